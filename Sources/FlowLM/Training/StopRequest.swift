import Foundation
import Synchronization

/// Ctrl-C and SIGTERM during training: the signal only raises a flag; the loop finishes its current step,
/// saves, and exits with 128 + the signal number (130 / 143).
public final class StopRequest: @unchecked Sendable {
    private let signalNumber = Atomic<Int32>(0)
    /// Written once by `install`, before any handler can run; kept so the sources stay alive.
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// Routes SIGINT and SIGTERM to this request instead of killing the process.
    public func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in signalNumber.store(number, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
    }

    public var requested: Int32? {
        let n = signalNumber.load(ordering: .relaxed)
        return n == 0 ? nil : n
    }

    public var exitCode: Int32 { 128 + (requested ?? 0) }
}
