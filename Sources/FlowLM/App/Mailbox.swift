import Foundation
import FlowTUI

/// Actions posted by background work (forward passes, training) for the UI thread to apply.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Action] = []

    func post(_ action: Action) {
        lock.lock(); pending.append(action); lock.unlock()
    }

    func drain() -> [Action] {
        lock.lock(); defer { lock.unlock() }
        let actions = pending
        pending.removeAll()
        return actions
    }
}
