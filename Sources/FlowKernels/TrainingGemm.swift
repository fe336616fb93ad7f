import CVectorMath
import Foundation

/// Which kernel runs the trainer's large products x·Wᵀ (`linearForward`) and dy·W (`linearBackward`'s input
/// gradient). `.packed` is the AVX-512 inference kernel with its B operand packed on each call (O(n·k) against
/// O(m·n·k) of work); it measured faster than OpenBLAS there. The weight gradient dyᵀ·x stays on OpenBLAS: the
/// packed kernel reads X by rows, and laying out dyᵀ first cost more than the kernel saved (docs/BENCHMARKS.md).
/// Without AVX-512 `.packed` falls back to OpenBLAS. Process-wide so `flowlm bench train --gemm` can compare the two in one run.
public enum TrainingGemm: String, Sendable, CaseIterable {
    case packed, openblas

    nonisolated(unsafe) private static var chosen: TrainingGemm = .packed

    /// The kernel large products use from now on (set before a run, not while one is in flight).
    public static var current: TrainingGemm {
        get { chosen }
        set { chosen = newValue }
    }

    /// Products below this many multiply-adds stay on OpenBLAS: packing and splitting cost more than they save.
    static let minimumWork = 1 << 20

    static func usesPacked(m: Int, n: Int, k: Int) -> Bool {
        current == .packed && PackedWeight.isSupported && m * n * k >= minimumWork
    }
}

/// `C (m×n, ldc) (+)= X (m×k, ldx) · op(B) (+ bias)` on the packed kernel: B is [n, k] (`.transposed`, an
/// `nn.Linear` weight) or [k, n] (`.normal`), packed once into panels, then workers split C's rows (or its
/// panels when the rows are few). `bias` is added once per element, `accumulate` adds what C held.
/// Deterministic for a given worker count. X must not overlap C.
func packedGemm(
    m: Int, n: Int, k: Int, x: UnsafePointer<Float>, ldx: Int,
    _ orientationB: MatrixOrientation, b: UnsafePointer<Float>, ldb: Int,
    bias: UnsafePointer<Float>?, accumulate: Bool,
    c: UnsafeMutablePointer<Float>, ldc: Int, policy: ComputePolicy
) {
    guard m > 0, n > 0, k > 0 else { return }
    let panelWidth = Int(FLOWLM_PACKED_PANEL)
    let panelCount = (n + panelWidth - 1) / panelWidth
    let packedCount = Int(flowlm_packed_weight_count(Int64(n), Int64(k)))
    let packed = PackingScratch.shared.take(packedCount)
    defer { PackingScratch.shared.give(packed) }
    if orientationB == .transposed {
        flowlm_pack_weight(Int64(n), Int64(k), b, Int64(ldb), packed)
    } else {
        flowlm_pack_weight_transposed(Int64(n), Int64(k), b, Int64(ldb), packed)
    }
    let sx = SendableConstPointer(x), sc = SendablePointer(c), panels = SendableConstPointer(UnsafePointer(packed))
    let sBias = bias.map(SendableConstPointer.init)
    let accumulateFlag: Int32 = accumulate ? 1 : 0
    if m >= 64 * policy.workers {
        policy.forEachChunk(m, minimumChunk: 64) { rows in
            flowlm_gemm_packed_avx512(Int64(rows.count), Int64(n), Int64(k), sx.pointer + rows.lowerBound * ldx, Int64(ldx),
                                      panels.pointer, 0, Int64(panelCount), sBias?.pointer, accumulateFlag,
                                      sc.pointer + rows.lowerBound * ldc, Int64(ldc))
        }
    } else {
        policy.forEachChunk(panelCount) { range in
            flowlm_gemm_packed_avx512(Int64(m), Int64(n), Int64(k), sx.pointer, Int64(ldx), panels.pointer,
                                      Int64(range.lowerBound), Int64(range.upperBound), sBias?.pointer, accumulateFlag,
                                      sc.pointer, Int64(ldc))
        }
    }
}

/// Buffers for packed B operands, kept between calls: a training step packs ~80 operands, and fresh memory for
/// each cost page faults (the kernel zeroing pages) and peak RSS. A pool rather than one buffer because tests and
/// the app may multiply on several threads at once; it holds at most one buffer per concurrent caller.
final class PackingScratch: @unchecked Sendable {
    static let shared = PackingScratch()
    private let lock = NSLock()
    private var free: [(buffer: UnsafeMutablePointer<Float>, count: Int)] = []
    private var sizes: [UnsafeMutablePointer<Float>: Int] = [:]

    /// A 64-byte aligned buffer of at least `count` floats: the smallest free one that is large enough, else a new
    /// one (then the smallest free buffer is released, so the pool stays as large as its busiest moment).
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        defer { lock.unlock() }
        // A plain loop, not filter + min: the bf16 GEMMs take a buffer on every call, and this allocates nothing.
        var best: Int?
        for index in free.indices where free[index].count >= count && best.map({ free[index].count < free[$0].count }) ?? true {
            best = index
        }
        if let best { return free.remove(at: best).buffer }
        if let index = free.indices.min(by: { free[$0].count < free[$1].count }) {
            let entry = free.remove(at: index)
            sizes[entry.buffer] = nil
            releaseLargeBuffer(entry.buffer)
        }
        let buffer = allocateFloats(count)
        sizes[buffer] = count
        return buffer
    }

    func give(_ buffer: UnsafeMutablePointer<Float>) {
        lock.lock()
        defer { lock.unlock() }
        free.append((buffer, sizes[buffer] ?? 0))
    }
}
