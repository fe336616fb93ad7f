import FlowCore
import FlowKernels

/// The forward steps every architecture's encoder is built from, over its parameter arena: LayerNorm, nn.Linear
/// (on the packed weights when the model has them), the decoder with its fused softmax statistics, and
/// multi-head attention over a fused QKV buffer. Written once so that both architectures run the same numerics;
/// a model conforms by naming its packed weights and its norms' width and epsilon.
protocol EncoderForwardSteps {
    /// Packed copies of the linear weights, when the model was packed for inference.
    var inferenceWeights: PackedLinearWeights? { get }
    /// The width every LayerNorm normalizes (the hidden size) and its epsilon.
    var normWidth: Int { get }
    var normEps: Float { get }
}

extension EncoderForwardSteps {
    /// LayerNorm over `rows` rows of `input`, into `output` (in place when nil). With `mean` and `rstd` each row's
    /// statistics are kept, for a backward pass.
    func normalize(_ input: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>? = nil, rows: Int,
                   _ slots: NormSlots, _ arena: UnsafePointer<Float>,
                   mean: UnsafeMutablePointer<Float>? = nil, rstd: UnsafeMutablePointer<Float>? = nil,
                   policy: ComputePolicy) {
        let h = normWidth, eps = normEps
        let x = SendablePointer(input), y = SendablePointer(output ?? input)
        let m = mean.map(SendablePointer.init), s = rstd.map(SendablePointer.init)
        let weight = SendableConstPointer(arena + slots.weight.offset)
        let bias = slots.bias.map { SendableConstPointer(arena + $0.offset) }
        policy.forEachChunk(rows, minimumChunk: 32) { r in
            layerNormForward(input: x.pointer + r.lowerBound * h, output: y.pointer + r.lowerBound * h, rows: r.count,
                             width: h, weight: weight.pointer, bias: bias?.pointer, eps: eps,
                             mean: m.map { $0.pointer + r.lowerBound }, rstd: s.map { $0.pointer + r.lowerBound })
        }
    }

    /// `nn.Linear` on the packed weights when there are some (the AVX-512 inference GEMM), on the arena's
    /// otherwise. `accumulate` adds to `output` instead of overwriting it (a residual add fused into the GEMM).
    func linear(_ input: UnsafePointer<Float>, rows: Int, _ slots: LinearSlots, _ arena: UnsafePointer<Float>,
                output: UnsafeMutablePointer<Float>, accumulate: Bool = false, policy: ComputePolicy) {
        if let bf16 = inferenceWeights?.packedBF16(slots.weight) {
            packedLinearForwardBF16(input: input, rows: rows, weight: bf16, bias: slots.bias.map { arena + $0.offset },
                                    output: output, accumulate: accumulate, policy: policy)
            return
        }
        if let packed = inferenceWeights?.packed(slots.weight) {
            packedLinearForward(input: input, rows: rows, weight: packed, bias: slots.bias.map { arena + $0.offset },
                                output: output, accumulate: accumulate, policy: policy)
            return
        }
        linearForward(input: input, rows: rows, inFeatures: slots.weight.shape[1], weight: arena + slots.weight.offset,
                      bias: slots.bias.map { arena + $0.offset }, outFeatures: slots.weight.shape[0],
                      output: output, accumulate: accumulate, policy: policy)
    }

    /// The decoder's logits; with a `request` that the packed kernel can serve, it also gathers each row's softmax
    /// statistics while writing them (returned), so the refinement loop skips its own sweep. nil otherwise.
    func decode(_ input: UnsafePointer<Float>, rows: Int, _ decoder: LinearSlots, _ arena: UnsafePointer<Float>,
                output: UnsafeMutablePointer<Float>, summarizing request: SoftmaxSummaryRequest?,
                policy: ComputePolicy) -> SoftmaxSummaries? {
        if let request, request.candidates <= PackedWeight.maximumSummaryCandidates,
           let bf16 = inferenceWeights?.packedBF16(decoder.weight) {
            return packedLogitsForwardBF16(input: input, rows: rows, weight: bf16, bias: decoder.bias.map { arena + $0.offset },
                                           output: output, summarizing: request, policy: policy)
        }
        if let request, request.candidates <= PackedWeight.maximumSummaryCandidates,
           let packed = inferenceWeights?.packed(decoder.weight) {
            return packedLogitsForward(input: input, rows: rows, weight: packed, bias: decoder.bias.map { arena + $0.offset },
                                       output: output, summarizing: request, policy: policy)
        }
        linear(input, rows: rows, decoder, arena, output: output, policy: policy)
        return nil
    }
}

/// Every (sequence, head) pair's attention in parallel. `qkv` is [N, 3·hiddenSize] with q, k and v side by side
/// in each row (heads along each); heads are written concatenated into `output` [N, hiddenSize] and their
/// weights into `probabilities` [B, heads, T, T]. Each query sees its sequence's real keys within `window`.
func multiHeadAttentionForward(qkv: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                               probabilities: UnsafeMutablePointer<Float>, batch: TokenBatch,
                               hiddenSize h: Int, heads: Int, headDim d: Int, window: AttentionWindow,
                               policy: ComputePolicy) {
    let t = batch.length, stride = 3 * h
    let qkv = SendablePointer(qkv), out = SendablePointer(output), probabilities = SendablePointer(probabilities)
    let lengths = batch.lengths
    policy.forEach(batch.batchSize * heads) { task in
        let sequence = task / heads, head = task % heads
        let base = qkv.pointer + sequence * t * stride + head * d
        attentionForward(q: base, k: base + h, v: base + 2 * h, rowStride: stride,
                         out: out.pointer + sequence * t * h + head * d, outStride: h,
                         length: t, headDim: d, keyCount: lengths[sequence], window: window,
                         probabilities: probabilities.pointer + task * t * t)
    }
}
