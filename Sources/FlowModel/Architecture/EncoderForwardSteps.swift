import FlowCore
import FlowKernels

/// The forward steps every architecture's encoder is built from, over its parameter arena: LayerNorm, nn.Linear
/// (on the packed weights when the model has them), the decoder with its fused softmax statistics, and
/// multi-head attention over a fused QKV buffer. Written once so that both architectures run the same numerics;
/// a model conforms by naming its packed weights and its norms' width and epsilon.
protocol EncoderForwardSteps {
    /// The float32 arena (empty in a model packed for inference).
    var parameters: [Float] { get }
    /// The packed weights and the compact arena of the rest, when the model was packed for inference.
    var inferenceWeights: PackedParameters? { get }
    /// The width every LayerNorm normalizes (the hidden size) and its epsilon.
    var normWidth: Int { get }
    var normEps: Float { get }
}

/// Where a forward pass finds each tensor it reads by slot: at the slot's offset in a model's float32 arena, or, in a
/// model packed for inference, in the compact arena of `PackedParameters`, which holds every tensor that was not packed.
struct ParameterReader {
    private let base: UnsafePointer<Float>
    private let packed: PackedParameters?

    init(base: UnsafePointer<Float>, packed: PackedParameters?) { self.base = base; self.packed = packed }

    subscript(slot: ParameterSlot) -> UnsafePointer<Float> {
        guard let packed else { return base + slot.offset }
        guard let offset = packed.compactOffset(slot) else {
            preconditionFailure("tensor '\(slot.name)' is kept only packed in a model packed for inference")
        }
        return base + offset
    }
}

extension EncoderForwardSteps {
    /// Runs `body` with the reader of this model's tensors, valid while it runs.
    func withParameterReader<R>(_ body: (ParameterReader) -> R) -> R {
        if let packed = inferenceWeights {
            return packed.compact.withUnsafeBufferPointer { body(ParameterReader(base: $0.baseAddress!, packed: packed)) }
        }
        return parameters.withUnsafeBufferPointer { body(ParameterReader(base: $0.baseAddress!, packed: nil)) }
    }

    /// The token-embedding lookup: rows of `table`, read from its packed copy when the model keeps only that one
    /// (a decoder tied to the embeddings, packed for inference).
    func embed(ids: UnsafePointer<Int32>, count: Int, table: ParameterSlot, _ arena: ParameterReader,
               output: UnsafeMutablePointer<Float>) {
        if let packed = inferenceWeights?.packed(table) {
            packedEmbeddingForward(ids: ids, count: count, table: packed, output: output)
        } else {
            embeddingForward(ids: ids, count: count, table: arena[table], width: table.shape[1], output: output)
        }
    }

    /// LayerNorm over `rows` rows of `input`, into `output` (in place when nil). With `mean` and `rstd` each row's
    /// statistics are kept, for a backward pass.
    func normalize(_ input: UnsafeMutablePointer<Float>, into output: UnsafeMutablePointer<Float>? = nil, rows: Int,
                   _ slots: NormSlots, _ arena: ParameterReader,
                   mean: UnsafeMutablePointer<Float>? = nil, rstd: UnsafeMutablePointer<Float>? = nil,
                   policy: ComputePolicy) {
        let h = normWidth, eps = normEps
        let x = SendablePointer(input), y = SendablePointer(output ?? input)
        let m = mean.map(SendablePointer.init), s = rstd.map(SendablePointer.init)
        let weight = SendableConstPointer(arena[slots.weight])
        let bias = slots.bias.map { SendableConstPointer(arena[$0]) }
        policy.forEachChunk(rows, minimumChunk: 32) { r in
            layerNormForward(input: x.pointer + r.lowerBound * h, output: y.pointer + r.lowerBound * h, rows: r.count,
                             width: h, weight: weight.pointer, bias: bias?.pointer, eps: eps,
                             mean: m.map { $0.pointer + r.lowerBound }, rstd: s.map { $0.pointer + r.lowerBound })
        }
    }

    /// `nn.Linear` on the packed weights when there are some (the AVX-512 inference GEMM), on the arena's
    /// otherwise. `accumulate` adds to `output` instead of overwriting it (a residual add fused into the GEMM).
    func linear(_ input: UnsafePointer<Float>, rows: Int, _ slots: LinearSlots, _ arena: ParameterReader,
                output: UnsafeMutablePointer<Float>, accumulate: Bool = false, policy: ComputePolicy) {
        if let bf16 = inferenceWeights?.packedBF16(slots.weight) {
            packedLinearForwardBF16(input: input, rows: rows, weight: bf16, bias: slots.bias.map { arena[$0] },
                                    output: output, accumulate: accumulate, policy: policy)
            return
        }
        if let packed = inferenceWeights?.packed(slots.weight) {
            packedLinearForward(input: input, rows: rows, weight: packed, bias: slots.bias.map { arena[$0] },
                                output: output, accumulate: accumulate, policy: policy)
            return
        }
        linearForward(input: input, rows: rows, inFeatures: slots.weight.shape[1], weight: arena[slots.weight],
                      bias: slots.bias.map { arena[$0] }, outFeatures: slots.weight.shape[0],
                      output: output, accumulate: accumulate, policy: policy)
    }

    /// The decoder's logits; with a `request` that the packed kernel can serve, it also gathers each row's softmax
    /// statistics while writing them (returned), so the refinement loop skips its own sweep. nil otherwise.
    func decode(_ input: UnsafePointer<Float>, rows: Int, _ decoder: LinearSlots, _ arena: ParameterReader,
                output: UnsafeMutablePointer<Float>, summarizing request: SoftmaxSummaryRequest?,
                policy: ComputePolicy) -> SoftmaxSummaries? {
        if let request, request.candidates <= PackedWeight.maximumSummaryCandidates,
           let bf16 = inferenceWeights?.packedBF16(decoder.weight) {
            return packedLogitsForwardBF16(input: input, rows: rows, weight: bf16, bias: decoder.bias.map { arena[$0] },
                                           output: output, summarizing: request, policy: policy)
        }
        if let request, request.candidates <= PackedWeight.maximumSummaryCandidates,
           let packed = inferenceWeights?.packed(decoder.weight) {
            return packedLogitsForward(input: input, rows: rows, weight: packed, bias: decoder.bias.map { arena[$0] },
                                       output: output, summarizing: request, policy: policy)
        }
        linear(input, rows: rows, decoder, arena, output: output, policy: policy)
        return nil
    }
}

/// Every (sequence, head) pair's attention in parallel. `qkv` is [N, 3·hiddenSize] with q, k and v side by side
/// in each row (heads along each); heads are written concatenated into `output` [N, hiddenSize]. Their weights go to
/// `probabilities`: [B, heads, T, T] when `probabilitySlots` is nil (a backward pass reads them), otherwise that many
/// [T, T] slots, one per worker, reused from head to head (inference: 12 MB of ModernBERT-base's peak at 512 tokens
/// becomes 1 MB per worker, and the T² of long sequences stops growing with the heads). Each query sees its
/// sequence's real keys within `window`.
func multiHeadAttentionForward(qkv: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                               probabilities: UnsafeMutablePointer<Float>, probabilitySlots: Int? = nil, batch: TokenBatch,
                               hiddenSize h: Int, heads: Int, headDim d: Int, window: AttentionWindow,
                               policy: ComputePolicy) {
    let t = batch.length, stride = 3 * h, tasks = batch.batchSize * heads
    let qkv = SendablePointer(qkv), out = SendablePointer(output), probabilities = SendablePointer(probabilities)
    let lengths = batch.lengths
    func attend(_ task: Int, slot: Int) {
        let sequence = task / heads, head = task % heads
        let base = qkv.pointer + sequence * t * stride + head * d
        attentionForward(q: base, k: base + h, v: base + 2 * h, rowStride: stride,
                         out: out.pointer + sequence * t * h + head * d, outStride: h,
                         length: t, headDim: d, keyCount: lengths[sequence], window: window,
                         probabilities: probabilities.pointer + slot * t * t)
    }
    guard let probabilitySlots else {
        policy.forEach(tasks) { task in attend(task, slot: task) }
        return
    }
    let workers = max(1, min(policy.workers, probabilitySlots, tasks))
    policy.forEach(workers) { worker in
        for task in Swift.stride(from: worker, to: tasks, by: workers) { attend(task, slot: worker) }
    }
}
