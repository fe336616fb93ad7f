import CNCursesW
import FlowTUI
import Foundation

/// The only ncurses user: owns the screen between `start` and `stop`, copies grids to it (only the
/// cells that changed since the last frame), and reads keys, resizes and signals.
/// Use from one thread. `stop` is idempotent and is called on every exit path by `TUIApp.run`.
public final class Terminal {
    public private(set) var depth: ColorDepth = .monochrome
    private var screen: OpaquePointer?
    private var colors = ColorPairs(depth: .monochrome, terminalColors: 0, maximumPairs: 0)
    private var shown: CellGrid?
    private var characterBuffer = [wchar_t](repeating: 0, count: 8)

    public init() {}

    /// Fails with `TerminalError.notATerminal` unless both stdin and stdout are TTYs.
    public static func requireTerminal() throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
    }

    /// Sets up a UTF-8 locale: the user's if it is UTF-8, else C.UTF-8 (without one, ncurses shows every
    /// wide glyph blank).
    public static func setUpLocale() {
        setlocale(LC_ALL, "")
        if flow_codeset_is_utf8() == 0 { setlocale(LC_CTYPE, "C.UTF-8") }
    }

    /// Enters curses mode. `requested` is `--theme` (nil = choose from NO_COLOR and the terminal).
    public func start(requested: ColorDepth?, environment: [String: String], mouse: Bool = true) throws(TerminalError) {
        try Terminal.requireTerminal()
        Terminal.setUpLocale()
        guard let screen = flow_newterm_stdio() else {
            throw .unknownTerminal(environment["TERM"] ?? "(unset)")
        }
        self.screen = screen
        set_term(screen)
        flow_install_signal_handlers()
        cbreak()
        noecho()
        nonl()
        keypad(flow_stdscr(), true)
        set_escdelay(25)
        if mouse {
            // Presses only, reported at once (no click detection, which would delay every press).
            mousemask(flow_BUTTON1_PRESSED | flow_BUTTON4_PRESSED | flow_BUTTON5_PRESSED, nil)
            mouseinterval(0)
        }
        curs_set(0)
        var terminalColors = 0
        if has_colors() {
            start_color()
            use_default_colors()
            terminalColors = Int(flow_COLORS())
        }
        depth = ColorDepth.choose(requested: requested, environment: environment, terminalColors: terminalColors)
        colors = ColorPairs(depth: depth, terminalColors: terminalColors, maximumPairs: Int(flow_COLOR_PAIRS()))
        shown = nil
    }

    /// Leaves curses mode and gives the terminal back as it was. Safe to call more than once.
    public func stop() {
        guard let screen else { return }
        curs_set(1)
        endwin()
        delscreen(screen)
        self.screen = nil
        flow_restore_signal_handlers()
        flow_flush_stdout()
    }

    public var isActive: Bool { screen != nil }

    /// Current size in cells.
    public var size: (width: Int, height: Int) {
        var rows: Int32 = 0, columns: Int32 = 0
        flow_getmaxyx(flow_stdscr(), &rows, &columns)
        return (Int(columns), Int(rows))
    }

    /// Draws a grid, touching only cells that differ from the last one drawn; returns how many changed.
    @discardableResult
    public func draw(_ grid: CellGrid) -> Int {
        guard screen != nil else { return 0 }
        let changed = grid.changedCells(since: shown)
        if shown == nil || shown?.width != grid.width || shown?.height != grid.height { erase() }
        for index in changed {
            let cell = grid.cells[index]
            if cell.isContinuation { continue }
            put(cell, x: index % grid.width, y: index / grid.width)
        }
        refresh()
        shown = grid
        return changed.count
    }

    /// Forces the next draw to repaint everything (after a resize or a suspected corruption).
    public func invalidate() {
        shown = nil
        clearok(flow_stdscr(), true)
    }

    /// Waits up to `timeoutMilliseconds` (-1 = forever) for a key, a resize or a signal.
    public func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent {
        if let signal = takeSignal() { return signal }
        wtimeout(flow_stdscr(), Int32(timeoutMilliseconds))
        var value: wint_t = 0
        let status = wget_wch(flow_stdscr(), &value)
        if let signal = takeSignal() { return signal }
        if status == ERR { return .timeout }
        if status == KEY_CODE_YES, Int32(value) == KEY_MOUSE {
            var x: Int32 = 0, y: Int32 = 0, state: mmask_t = 0
            guard flow_get_mouse(&x, &y, &state) == OK, let event = MouseDecoding.decode(state: state, x: x, y: y)
            else { return .timeout }
            return .mouse(event)
        }
        if status == KEY_CODE_YES, Int32(value) == KEY_RESIZE {
            invalidate()
            let (width, height) = size
            return .resize(width: width, height: height)
        }
        guard let key = KeyDecoding.decode(status: status, value: UInt32(value)) else { return .timeout }
        return .key(key)
    }

    private func takeSignal() -> TerminalEvent? {
        let signal = flow_take_signal()
        return signal == 0 ? nil : .signal(signal)
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attributes: attr_t = 0
        let style = cell.style
        if style.attributes.contains(.bold) { attributes |= flow_A_BOLD }
        if style.attributes.contains(.underline) { attributes |= flow_A_UNDERLINE }
        if style.attributes.contains(.reverse) { attributes |= flow_A_REVERSE }
        if style.attributes.contains(.dim) { attributes |= flow_A_DIM }
        if style.attributes.contains(.italic) { attributes |= flow_A_ITALIC }
        let (pair, extra) = colors.pair(for: style)
        attributes |= extra
        // ncurses keeps a spacing character plus up to four combining marks per cell.
        var count = 0
        for scalar in cell.glyph.unicodeScalars where count < 5 {
            characterBuffer[count] = wchar_t(bitPattern: scalar.value)
            count += 1
        }
        characterBuffer[count] = 0
        characterBuffer.withUnsafeBufferPointer { text in
            _ = flow_put_cell(Int32(y), Int32(x), text.baseAddress, attributes, pair)
        }
    }
}
