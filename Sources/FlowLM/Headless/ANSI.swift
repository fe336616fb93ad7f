import Foundation
import FlowTUI

/// When headless output is coloured: `auto` only on a terminal that has not asked for plain text.
public enum ColorMode: String, Sendable, CaseIterable {
    case auto, always, never

    /// `always` wins over NO_COLOR (an explicit flag beats the environment, as no-color.org allows);
    /// `auto` needs a terminal, no NO_COLOR (https://no-color.org) and a TERM other than "dumb".
    public func usesColor(isTerminal: Bool, environment: [String: String]) -> Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
            if environment["TERM"] == "dumb" { return false }
            return isTerminal
        }
    }

    /// Whether standard output is a terminal.
    public static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) != 0 }
}

/// The TUI's cell styles as ANSI SGR escape sequences, for printing to a terminal without ncurses.
public enum ANSI {
    public static let reset = "\u{1B}[0m"

    /// `ESC[…m` setting exactly `style` (after a reset); empty for the plain style.
    public static func sgr(_ style: CellStyle) -> String {
        guard style != .plain else { return "" }
        var codes: [String] = []
        let attributes: [(TextAttributes, String)] = [(.bold, "1"), (.dim, "2"), (.italic, "3"), (.underline, "4"), (.reverse, "7")]
        for (flag, code) in attributes where style.attributes.contains(flag) { codes.append(code) }
        codes += colorCodes(style.foreground, base: 30, bright: 90, extended: 38)
        codes += colorCodes(style.background, base: 40, bright: 100, extended: 48)
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    /// `text` in `style`, reset afterwards; unchanged for the plain style.
    public static func styled(_ text: String, _ style: CellStyle) -> String {
        let start = sgr(style)
        return start.isEmpty || text.isEmpty ? text : start + text + reset
    }

    private static func colorCodes(_ color: TerminalColor, base: Int, bright: Int, extended: Int) -> [String] {
        switch color {
        case .standard: return []
        case let .ansi(index): return [String(index < 8 ? base + Int(index) : bright + Int(index) - 8)]
        case let .palette(index): return ["\(extended)", "5", "\(index)"]
        }
    }
}
