import FlowCore

/// Why the terminal UI cannot start; one line each, as every FlowLM error.
public enum TerminalError: FlowLMError, Equatable {
    /// stdin or stdout is not a terminal (a pipe, a file, CI without a TTY).
    case notATerminal
    /// ncurses could not initialise the terminal named by TERM.
    case unknownTerminal(String)

    public var description: String {
        switch self {
        case .notATerminal:
            return "flowlm tui needs an interactive terminal (stdin and stdout are not both a TTY); use `flowlm generate` for pipes and files"
        case let .unknownTerminal(term):
            return "cannot start the terminal UI: TERM=\(term) is unknown to ncurses; try TERM=xterm-256color or use `flowlm generate`"
        }
    }

    /// Exit status for a UI that could not start (distinct from a runtime failure).
    public var exitCode: Int32 { 2 }
}
