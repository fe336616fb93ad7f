import CNCursesW
import FlowTUI

/// What one read from the terminal produced.
public enum TerminalEvent: Sendable, Equatable {
    case key(KeyPress)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    /// SIGINT, SIGTERM or SIGHUP arrived; the app restores the terminal and exits.
    case signal(Int32)
    /// The timeout passed with no input (drives autoplay and result polling).
    case timeout
}

enum KeyDecoding {
    /// Maps a get_wch result (OK + character, or KEY_CODE_YES + key code) to a key.
    static func decode(status: Int32, value: UInt32) -> KeyPress? {
        if status == KEY_CODE_YES {
            switch Int32(value) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_ENTER: return .enter
            case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(Int32(value) - KEY_F0))
            default: return nil
            }
        }
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))  // Ctrl-A ... Ctrl-Z
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }
}

enum MouseDecoding {
    /// Maps a getmouse report (button state and cell) to a press or a wheel turn; other reports (releases,
    /// other buttons) to nil.
    static func decode(state: mmask_t, x: Int32, y: Int32) -> MouseEvent? {
        let kind: MouseEvent.Kind
        if state & flow_BUTTON1_PRESSED != 0 { kind = .press }
        else if state & flow_BUTTON4_PRESSED != 0 { kind = .wheelUp }
        else if state & flow_BUTTON5_PRESSED != 0 { kind = .wheelDown }
        else { return nil }
        return MouseEvent(kind, x: Int(x), y: Int(y))
    }
}
