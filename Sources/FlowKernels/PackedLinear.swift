import CVectorMath
import FlowCore

/// An `nn.Linear` weight [outFeatures, inFeatures] copied once into the panel layout of the AVX-512
/// inference GEMM (CVectorMath/packed_gemm.c), so a forward pass stops paying OpenBLAS's per-call packing
/// of the weights. Immutable once made. An inference model keeps only this copy (FlowModel's `PackedParameters`).
public final class PackedWeight: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    let panels: UnsafeMutablePointer<Float>
    var panelCount: Int { (outFeatures + Int(FLOWLM_PACKED_PANEL) - 1) / Int(FLOWLM_PACKED_PANEL) }
    /// Bytes the panels take (the last one padded to a full panel).
    public var byteCount: Int { Self.floatCount(outFeatures: outFeatures, inFeatures: inFeatures) * MemoryLayout<Float>.stride }

    /// Most candidates per row `packedLogitsForward` can gather.
    public static let maximumSummaryCandidates = Int(FLOWLM_SUMMARY_MAX_K)

    /// Whether this CPU runs the packed kernel (AVX-512F); without it `init` returns nil.
    public static var isSupported: Bool { flowlm_has_avx512() == 1 }

    /// The shared memory `panels` lies in; nil when this weight owns its panels.
    private let storage: PackedWeightStorage?

    /// Packs `weight` into memory of its own.
    public init?(weight: UnsafePointer<Float>, outFeatures: Int, inFeatures: Int) {
        guard Self.isSupported, outFeatures > 0, inFeatures > 0 else { return nil }
        self.outFeatures = outFeatures; self.inFeatures = inFeatures
        panels = allocateFloats(Self.floatCount(outFeatures: outFeatures, inFeatures: inFeatures))
        storage = nil
        flowlm_pack_weight(Int64(outFeatures), Int64(inFeatures), weight, Int64(inFeatures), panels)
    }

    /// Packs `weight` into the next free part of `storage`, which must have room (`floatCount`).
    public init?(weight: UnsafePointer<Float>, outFeatures: Int, inFeatures: Int, storage: PackedWeightStorage) {
        guard Self.isSupported, outFeatures > 0, inFeatures > 0 else { return nil }
        self.outFeatures = outFeatures; self.inFeatures = inFeatures
        panels = storage.take(Self.floatCount(outFeatures: outFeatures, inFeatures: inFeatures))
        self.storage = storage
        flowlm_pack_weight(Int64(outFeatures), Int64(inFeatures), weight, Int64(inFeatures), panels)
    }

    /// Floats the panels of an [outFeatures, inFeatures] weight take: a multiple of 32, so panels packed one after
    /// another stay 64-byte aligned.
    public static func floatCount(outFeatures: Int, inFeatures: Int) -> Int {
        Int(flowlm_packed_weight_count(Int64(outFeatures), Int64(inFeatures)))
    }

    deinit { if storage == nil { releaseLargeBuffer(panels) } }
}

/// One allocation that many packed weights share. Each weight in memory of its own rounds up to whole 2 MB pages
/// (`allocateLargeBuffer` asks for huge pages), which for ModernBERT-base's 90 weights measured about 90 MB of
/// the resident set; packed one after another they waste at most one page in all. Freed when the last weight
/// packed into it is.
public final class PackedWeightStorage: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Float>
    private let capacity: Int
    private var used = 0

    public init(floatCount: Int) {
        capacity = floatCount
        base = allocateFloats(max(1, floatCount))
    }

    fileprivate func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(used + count <= capacity, "PackedWeightStorage: out of room")
        defer { used += count }
        return base + used
    }

    deinit { releaseLargeBuffer(base) }
}

/// `linearForward` with a packed weight: `output [rows, out] (+)= input [rows, in] · weightᵀ (+ bias)`,
/// bias and residual added as each tile is stored. Workers split the output columns by panels; the input
/// rows are read where they are, so input and output must not overlap.
public func packedLinearForward(
    input: UnsafePointer<Float>, rows: Int, weight: PackedWeight, bias: UnsafePointer<Float>?,
    output: UnsafeMutablePointer<Float>, accumulate: Bool = false, policy: ComputePolicy
) {
    guard rows > 0 else { return }
    let n = weight.outFeatures, k = weight.inFeatures
    let x = SendableConstPointer(input), c = SendablePointer(output), panels = SendableConstPointer(weight.panels)
    let b = bias.map(SendableConstPointer.init)
    let workers = rows * n * k < 1 << 18 ? 1 : policy.workers
    ComputePolicy(threads: workers).forEachChunk(weight.panelCount) { range in
        flowlm_gemm_packed_avx512(Int64(rows), Int64(n), Int64(k), x.pointer, Int64(k), panels.pointer,
                                  Int64(range.lowerBound), Int64(range.upperBound), b?.pointer,
                                  accumulate ? 1 : 0, c.pointer, Int64(n))
    }
}

/// `C (m×n, row stride ldc) = X (m×k, ldx) · op(B)` on one thread with the packed kernel, packing B on the
/// spot: B is [n, k] (`.transposed`, attention's keys for q·kᵀ) or [k, n] (`.normal`, its values for p·v),
/// row stride ldb. For operands that change every call; the packing is O(n·k) against O(m·n·k) of work.
public func packedProduct(
    m: Int, n: Int, k: Int, x: UnsafePointer<Float>, ldx: Int,
    _ orientationB: MatrixOrientation, b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0, k > 0 else { return }
    let packedCount = Int(flowlm_packed_weight_count(Int64(n), Int64(k)))
    withUnsafeTemporaryAllocation(byteCount: packedCount * MemoryLayout<Float>.stride, alignment: 64) { raw in
        let packed = raw.baseAddress!.bindMemory(to: Float.self, capacity: packedCount)
        if orientationB == .transposed {
            flowlm_pack_weight(Int64(n), Int64(k), b, Int64(ldb), packed)
        } else {
            flowlm_pack_weight_transposed(Int64(n), Int64(k), b, Int64(ldb), packed)
        }
        let panels = (n + Int(FLOWLM_PACKED_PANEL) - 1) / Int(FLOWLM_PACKED_PANEL)
        flowlm_gemm_packed_avx512(Int64(m), Int64(n), Int64(k), x, Int64(ldx), packed, 0, Int64(panels), nil, 0,
                                  c, Int64(ldc))
    }
}

/// `packedLinearForward` for the logits layer that also gathers each row's softmax statistics as its tiles
/// are stored (CVectorMath/row_summary.c): the refinement loop then never sweeps the logits itself. Each
/// worker summarises its own columns; the summaries are merged in column order, so ties keep the lower id.
/// `request.candidates` must be at most `PackedWeight.maximumSummaryCandidates`.
public func packedLogitsForward(
    input: UnsafePointer<Float>, rows: Int, weight: PackedWeight, bias: UnsafePointer<Float>?,
    output: UnsafeMutablePointer<Float>, summarizing request: SoftmaxSummaryRequest, policy: ComputePolicy
) -> SoftmaxSummaries {
    let n = weight.outFeatures, k = weight.inFeatures
    let x = SendableConstPointer(input), c = SendablePointer(output), panels = SendableConstPointer(weight.panels)
    let b = bias.map(SendableConstPointer.init)
    return gatherSoftmaxSummaries(rows: rows, panelCount: weight.panelCount, request: request, policy: policy) {
        lower, upper, rawRequest, summaries in
        flowlm_gemm_packed_summarized_avx512(Int64(rows), Int64(n), Int64(k), x.pointer, Int64(k), panels.pointer,
                                             Int64(lower), Int64(upper), b?.pointer, c.pointer, Int64(n),
                                             rawRequest, summaries)
    }
}
