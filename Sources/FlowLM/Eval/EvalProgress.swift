import Foundation

/// A one-line progress bar on stderr while `flowlm eval` runs: redrawn in place on a terminal, one line
/// per finished model otherwise (logs stay readable).
public final class EvalProgress: @unchecked Sendable {
    private let total: Int
    private var done = 0
    private let isTerminal: Bool
    private let start = Date()
    private let write: (String) -> Void

    public init(total: Int, isTerminal: Bool = isatty(STDERR_FILENO) == 1,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.total = max(1, total); self.isTerminal = isTerminal; self.write = write
    }

    public func advance(_ what: String) {
        done += 1
        guard isTerminal else { return }
        write("\r\u{1B}[2K" + line(what))
    }

    /// A model finished: a permanent line.
    public func finished(_ what: String) {
        write((isTerminal ? "\r\u{1B}[2K" : "") + line(what) + "\n")
    }

    func line(_ what: String) -> String {
        let width = 24, filled = min(width, done * width / total)
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        return String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            + String(format: " %3d%%  %@  (%.0fs, ETA %.0fs)", done * 100 / total, what, elapsed, eta)
    }
}
