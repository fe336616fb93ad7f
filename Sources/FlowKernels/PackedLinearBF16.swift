import CVectorMath
import FlowCore

/// The number format of the inference GEMMs over a model's linear weights. `.bf16` rounds the weights (once, when
/// packing) and each GEMM's input (per call) to bf16 and sums the products in fp32; norms, softmax, attention and
/// everything between the GEMMs stay fp32 (docs/DECISIONS.md, "BF16 inference").
public enum InferencePrecision: String, Sendable, CaseIterable {
    case fp32, bf16

    /// Whether this CPU runs the bf16 kernel (AVX-512 BF16).
    public static var bf16Supported: Bool { flowlm_has_avx512_bf16() == 1 }

    /// What a model is packed in when nobody chooses: fp32, until bf16 meets both of its goals (speed and
    /// agreement, docs/DECISIONS.md).
    public static var automatic: InferencePrecision { .fp32 }

    /// `requested` (nil: `automatic`) when this CPU runs it, else fp32.
    public static func resolved(_ requested: InferencePrecision?) -> InferencePrecision {
        let wanted = requested ?? automatic
        return wanted == .bf16 && !bf16Supported ? .fp32 : wanted
    }
}

/// An `nn.Linear` weight [outFeatures, inFeatures] rounded to bf16 and packed for the BF16 inference GEMM
/// (CVectorMath/packed_gemm_bf16.c): `PackedWeight`'s panels at half the bytes, pairs of k side by side.
public final class PackedWeightBF16: @unchecked Sendable {
    public let outFeatures: Int
    public let inFeatures: Int
    let panels: UnsafeMutablePointer<flowlm_bf16_pair>
    var panelCount: Int { (outFeatures + Int(FLOWLM_PACKED_PANEL) - 1) / Int(FLOWLM_PACKED_PANEL) }
    /// Pairs of k per row of a converted input.
    var pairs: Int { (inFeatures + 1) / 2 }

    /// Bytes the panels take.
    public var byteCount: Int {
        Int(flowlm_packed_bf16_count(Int64(outFeatures), Int64(inFeatures))) * MemoryLayout<flowlm_bf16_pair>.stride
    }

    /// Whether this CPU runs the bf16 kernel; without it `init` returns nil.
    public static var isSupported: Bool { InferencePrecision.bf16Supported }

    public init?(weight: UnsafePointer<Float>, outFeatures: Int, inFeatures: Int) {
        guard Self.isSupported, outFeatures > 0, inFeatures > 0 else { return nil }
        self.outFeatures = outFeatures; self.inFeatures = inFeatures
        let count = Int(flowlm_packed_bf16_count(Int64(outFeatures), Int64(inFeatures)))
        panels = allocateLargeBuffer(byteCount: count * MemoryLayout<flowlm_bf16_pair>.stride)
            .bindMemory(to: flowlm_bf16_pair.self, capacity: count)
        flowlm_pack_weight_bf16(Int64(outFeatures), Int64(inFeatures), weight, Int64(inFeatures), panels)
    }

    deinit { releaseLargeBuffer(UnsafeMutableRawPointer(panels)) }
}

/// Runs `body` with `input` [rows, weight.inFeatures] converted to bf16 pairs (row stride `weight.pairs`) in a
/// buffer borrowed from the packing pool, so no call allocates once the pool has grown to the largest input.
/// The rows are converted in chunks across the policy's workers.
private func withBF16Input<R>(_ input: UnsafePointer<Float>, rows: Int, weight: PackedWeightBF16, workers: Int,
                              _ body: (UnsafePointer<flowlm_bf16_pair>) -> R) -> R {
    let k = weight.inFeatures, pairs = weight.pairs
    // Pairs are four bytes, as floats are: the pool's float buffers hold them as raw memory the C kernels read.
    let scratch = PackingScratch.shared.take(rows * pairs)
    defer { PackingScratch.shared.give(scratch) }
    let converted = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: flowlm_bf16_pair.self)
    let x = SendableConstPointer(input), out = SendablePointer(converted)
    ComputePolicy(threads: workers).forEachChunk(rows, minimumChunk: 64) { range in
        flowlm_convert_rows_bf16(Int64(range.count), Int64(k), x.pointer + range.lowerBound * k, Int64(k),
                                 out.pointer + range.lowerBound * pairs, Int64(pairs))
    }
    return body(converted)
}

/// `packedLinearForward` in bf16: `output [rows, out] (+)= bf16(input) · bf16(weight)ᵀ (+ bias)`, summed in fp32.
/// Workers split the output columns by panels, as the fp32 kernel's do. Input and output must not overlap.
public func packedLinearForwardBF16(
    input: UnsafePointer<Float>, rows: Int, weight: PackedWeightBF16, bias: UnsafePointer<Float>?,
    output: UnsafeMutablePointer<Float>, accumulate: Bool = false, policy: ComputePolicy
) {
    guard rows > 0 else { return }
    let n = weight.outFeatures, k = weight.inFeatures, pairs = weight.pairs
    let workers = rows * n * k < 1 << 18 ? 1 : policy.workers
    withBF16Input(input, rows: rows, weight: weight, workers: workers) { converted in
        let x = SendableConstPointer(converted), c = SendablePointer(output), panels = SendableConstPointer(weight.panels)
        let b = bias.map(SendableConstPointer.init)
        ComputePolicy(threads: workers).forEachChunk(weight.panelCount) { range in
            flowlm_gemm_packed_bf16(Int64(rows), Int64(n), Int64(k), x.pointer, Int64(pairs), panels.pointer,
                                    Int64(range.lowerBound), Int64(range.upperBound), b?.pointer,
                                    accumulate ? 1 : 0, c.pointer, Int64(n))
        }
    }
}

/// `packedLogitsForward` in bf16: the logits, and each row's softmax statistics gathered as the tiles are stored.
public func packedLogitsForwardBF16(
    input: UnsafePointer<Float>, rows: Int, weight: PackedWeightBF16, bias: UnsafePointer<Float>?,
    output: UnsafeMutablePointer<Float>, summarizing request: SoftmaxSummaryRequest, policy: ComputePolicy
) -> SoftmaxSummaries {
    let n = weight.outFeatures, k = weight.inFeatures, pairs = weight.pairs
    return withBF16Input(input, rows: rows, weight: weight, workers: policy.workers) { converted in
        let x = SendableConstPointer(converted), c = SendablePointer(output), panels = SendableConstPointer(weight.panels)
        let b = bias.map(SendableConstPointer.init)
        return gatherSoftmaxSummaries(rows: rows, panelCount: weight.panelCount, request: request, policy: policy) {
            lower, upper, rawRequest, summaries in
            flowlm_gemm_packed_summarized_bf16(Int64(rows), Int64(n), Int64(k), x.pointer, Int64(pairs), panels.pointer,
                                               Int64(lower), Int64(upper), b?.pointer, c.pointer, Int64(n),
                                               rawRequest, summaries)
        }
    }
}
