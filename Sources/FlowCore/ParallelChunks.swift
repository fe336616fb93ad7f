import Foundation

/// The one parallel loop of the engine and the refinement loop: 0..<total split into near-equal contiguous chunks,
/// run on up to `workers` threads. `ComputePolicy` (FlowKernels) and `RowStatistics` (FlowDiffusion) both use it.
public enum ParallelChunks {
    /// How many chunks `run` makes: at most `workers`, each at least `minimumChunk` long (at least one).
    public static func count(total: Int, workers: Int, minimumChunk: Int = 1) -> Int {
        max(1, min(workers, total / max(1, minimumChunk)))
    }

    /// Runs `body(chunk, range)` for each chunk of 0..<total; serially when there is one chunk.
    public static func run(total: Int, workers: Int, minimumChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let parts = count(total: total, workers: workers, minimumChunk: minimumChunk)
        if parts <= 1 { if total > 0 { body(0, 0..<total) }; return }
        withoutActuallyEscaping(body) { body in
            let task = ChunkTask(body)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let lower = total * p / parts, upper = total * (p + 1) / parts
                if upper > lower { task.body(p, lower..<upper) }
            }
        }
    }
}

private struct ChunkTask: @unchecked Sendable {
    let body: (Int, Range<Int>) -> Void
    init(_ body: @escaping (Int, Range<Int>) -> Void) { self.body = body }
}
