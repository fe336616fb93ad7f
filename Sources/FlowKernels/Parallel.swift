import Foundation

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

/// How the forward pass uses the cores (docs/DECISIONS.md, "Threading"): `threads` workers split work at
/// the outer level (GEMM rows or columns, attention heads) while OpenBLAS itself runs single-threaded.
public struct ComputePolicy: Sendable, Equatable {
    public var threads: Int

    public init(threads: Int) { self.threads = max(1, threads) }

    public static var allCores: ComputePolicy { ComputePolicy(threads: ProcessInfo.processInfo.activeProcessorCount) }
    public static let serial = ComputePolicy(threads: 1)

    /// Runs `body(i)` for i in 0..<count, on up to `threads` workers. OpenBLAS is pinned to one thread
    /// because mixing its pool with ours oversubscribes the cores.
    public func forEach(_ count: Int, _ body: (Int) -> Void) {
        if threads <= 1 || count <= 1 {
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
        let parts = max(1, min(threads, total / max(1, minimumChunk)))
        if parts <= 1 { if total > 0 { body(0..<total) }; return }
        forEach(parts) { p in
            let lower = total * p / parts, upper = total * (p + 1) / parts
            if upper > lower { body(lower..<upper) }
        }
    }
}

private struct UncheckedTask: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
