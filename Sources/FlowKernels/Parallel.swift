import Foundation
import FlowCore

/// A pointer that may cross into `concurrentPerform` workers. Safe because every worker writes a
/// disjoint range, which each call site guarantees.
public struct SendablePointer<Pointee>: @unchecked Sendable {
    public let pointer: UnsafeMutablePointer<Pointee>
    @inlinable public init(_ pointer: UnsafeMutablePointer<Pointee>) { self.pointer = pointer }
}

public struct SendableConstPointer<Pointee>: @unchecked Sendable {
    public let pointer: UnsafePointer<Pointee>
    @inlinable public init(_ pointer: UnsafePointer<Pointee>) { self.pointer = pointer }
}

/// How the forward pass uses the cores (docs/DECISIONS.md, "Threading"). `.outer`: `threads` workers
/// split the work at the outer level (GEMM rows or columns, attention heads, rows of elementwise kernels)
/// while OpenBLAS runs single-threaded. `.blas`: one worker, OpenBLAS threads inside each GEMM.
public struct ComputePolicy: Sendable, Equatable {
    public enum Strategy: String, Sendable, CaseIterable { case outer, blas }

    public let threads: Int
    public let strategy: Strategy

    public init(threads: Int, strategy: Strategy = .outer) {
        self.threads = max(1, threads); self.strategy = strategy
    }

    public static var allCores: ComputePolicy { ComputePolicy(threads: ProcessInfo.processInfo.activeProcessorCount) }
    public static let serial = ComputePolicy(threads: 1)

    /// Workers our own loops use.
    public var workers: Int { strategy == .outer ? threads : 1 }
    /// Threads OpenBLAS uses inside one call.
    public var blasThreads: Int { strategy == .outer ? 1 : threads }

    /// Sets OpenBLAS's (process-wide) thread count for this policy; cheap when already set.
    public func activate() {
        if BLASThreads.current != blasThreads { BLASThreads.set(blasThreads) }
    }

    /// Runs `body(i)` for i in 0..<count, on up to `workers` threads.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if workers <= 1 || count <= 1 {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let task = UncheckedTask(body)
            DispatchQueue.concurrentPerform(iterations: count) { task.body($0) }
        }
    }

    /// Splits 0..<total into `threads` near-equal contiguous chunks and runs them in parallel.
    public func forEachChunk(_ total: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
        ParallelChunks.run(total: total, workers: workers, minimumChunk: minimumChunk) { _, range in body(range) }
    }
}

private struct UncheckedTask: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
