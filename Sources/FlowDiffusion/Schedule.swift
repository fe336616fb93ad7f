import Foundation

extension UnmaskSchedule {
    /// Masks that should remain in a block of `initialMasks` after its step `step` (0-based) of `steps`.
    /// Linear is LLaDA's `get_num_transfer_tokens` (even split, remainder first); cosine is MaskGIT's
    /// cos(π/2 · t) curve, forced to commit at least one per step when there are enough masks.
    /// Both reach 0 at the block's last step, so exactly `initialMasks` commits happen in `steps` steps.
    /// Threshold has no curve: it returns `initialMasks` (no quota) until the last step, then 0.
    public func remainingAfter(step: Int, of steps: Int, initialMasks: Int) -> Int {
        let m = initialMasks
        guard step < steps - 1 else { return 0 }
        switch self {
        case .linear:
            let done = (step + 1) * (m / steps) + min(step + 1, m % steps)
            return m - done
        case .cosine:
            var remaining = m
            for j in 0...step {
                var target = Int((Double(m) * cos(Double.pi / 2 * Double(j + 1) / Double(steps))).rounded(.down))
                if m >= steps { target = max(min(target, remaining - 1), steps - 1 - j) }
                remaining = max(0, min(target, remaining))
            }
            return remaining
        case .threshold:
            return m
        }
    }

    /// Commits per step of one block, for tables and tests (no remasking in between).
    public func commitsPerStep(steps: Int, initialMasks: Int) -> [Int] {
        var previous = initialMasks
        return (0..<steps).map { s in
            let now = remainingAfter(step: s, of: steps, initialMasks: initialMasks)
            defer { previous = now }
            return previous - now
        }
    }
}

/// Editable positions cut into semi-autoregressive blocks, and the steps each block gets.
struct BlockLayout: Hashable {
    /// Block index of every canvas position (-1 for frozen positions).
    let blockOf: [Int]
    let blockCount: Int
    let totalSteps: Int

    init(canvas: Canvas, blockLength: Int, steps: Int) {
        var blockOf = [Int](repeating: -1, count: canvas.count)
        let length = blockLength > 0 ? blockLength : max(1, canvas.editablePositions.count)
        for (n, position) in canvas.editablePositions.enumerated() { blockOf[position] = n / length }
        self.blockOf = blockOf
        self.blockCount = max(1, (canvas.editablePositions.count + length - 1) / length)
        self.totalSteps = steps
    }

    /// Steps of block b: an even split of K, the remainder on the first blocks.
    func steps(ofBlock b: Int) -> Int {
        totalSteps / blockCount + (b < totalSteps % blockCount ? 1 : 0)
    }
}
