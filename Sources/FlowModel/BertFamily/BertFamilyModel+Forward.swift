import FlowCore
import FlowKernels

extension BertFamilyModel {
    /// Runs the masked-LM forward pass over a right-padded batch and copies out the logits (and on request the
    /// embeddings output and each layer's output as `hiddenStates`; `finalHidden` is nil, the family has no final
    /// norm). Throws only on bad input. A fresh workspace when none is given.
    public func forward(_ batch: TokenBatch, workspace: BertFamilyWorkspace? = nil, policy: ComputePolicy = .allCores,
                        collectHiddenStates: Bool = false) throws(ModelInputError) -> ForwardOutput {
        let workspace = workspace ?? BertFamilyWorkspace(config: config)
        let n = batch.tokenCount, h = config.hiddenSize
        var hiddenStates: [[Float]] = []
        let logits = try forwardInPlace(batch, workspace: workspace, policy: policy, summarizing: nil) { p in
            if collectHiddenStates { hiddenStates.append(Array(UnsafeBufferPointer(start: p, count: n * h))) }
        }.logits
        return ForwardOutput(batchSize: batch.batchSize, length: batch.length, vocabularySize: config.vocabularySize,
                             logits: Array(logits), hiddenStates: hiddenStates, finalHidden: nil)
    }

    /// The forward pass without copying its output: the logits [B·T, V] stay in `workspace` (valid until its next
    /// use). With a `request` and packed weights (`packForInference`) the decoder also gathers each row's softmax
    /// statistics while writing the logits; `summaries` is nil otherwise. `observeHidden` sees the embeddings
    /// output and each layer's output [B·T, H] as they are made. Padded positions attend to their row's real
    /// tokens, as in HF, so their logits are computed too (HF gives the same), but callers should not use them.
    public func forwardInPlace(_ batch: TokenBatch, workspace: BertFamilyWorkspace, policy: ComputePolicy = .allCores,
                               summarizing request: SoftmaxSummaryRequest?,
                               observeHidden: (UnsafeMutablePointer<Float>) -> Void = { _ in })
        throws(ModelInputError) -> (logits: UnsafeMutableBufferPointer<Float>, summaries: SoftmaxSummaries?) {
        precondition(workspace.config == config, "BertFamilyWorkspace belongs to another config")
        let v = config.vocabularySize, h = config.hiddenSize
        try batch.checkIDs(vocabularySize: v)
        if batch.length > config.contextLength {
            throw ModelInputError("a sequence of \(batch.length) tokens is longer than the model's \(config.contextLength) positions")
        }
        let n = batch.tokenCount
        guard n > 0 else { return (UnsafeMutableBufferPointer(start: nil, count: 0), nil) }
        workspace.prepare(batchSize: batch.batchSize, length: batch.length)
        policy.activate()
        var summaries: SoftmaxSummaries?
        withParameterReader { p in
            batch.ids.withUnsafeBufferPointer { ids in
                fillPositionIDs(ids: ids.baseAddress!, batchSize: batch.batchSize, length: batch.length,
                                into: workspace.positionIDs)
                sumEmbeddings(ids: ids.baseAddress!, positionIDs: workspace.positionIDs, count: n, p, output: workspace.hidden,
                              policy: policy)
            }
            normalize(workspace.hidden, rows: n, layout.embeddingNorm, p, policy: policy)
            observeHidden(workspace.hidden)
            for l in 0..<config.layerCount {
                layerForward(l, batch: batch, workspace: workspace, arena: p, policy: policy)
                observeHidden(workspace.hidden)
            }
            summaries = headForward(rows: n, workspace: workspace, arena: p, summarizing: request, policy: policy)
        }
        return (UnsafeMutableBufferPointer(start: workspace.logits, count: n * v), summaries)
    }

    /// `(word + type 0) + position` for each token, in HF's order, into `output`. A word table kept only packed (tied
    /// to the decoder, packed for inference) is gathered into `output` first and the rest added in place.
    func sumEmbeddings(ids: UnsafePointer<Int32>, positionIDs: UnsafePointer<Int32>, count n: Int, _ p: ParameterReader,
                       output: UnsafeMutablePointer<Float>, policy: ComputePolicy) {
        let h = config.hiddenSize
        let tokens = SendableConstPointer(ids), positions = SendableConstPointer(positionIDs)
        let positionTable = SendableConstPointer(p[layout.positionEmbeddings])
        let typeRow = layout.tokenTypeEmbeddings.map { SendableConstPointer(p[$0]) }  // token type 0
        let out = SendablePointer(output)
        let packedWords = inferenceWeights?.packed(layout.wordEmbeddings)
        let wordTable = packedWords == nil ? SendableConstPointer(p[layout.wordEmbeddings]) : nil
        policy.forEachChunk(n, minimumChunk: 64) { r in
            let y = out.pointer + r.lowerBound * h
            if let packedWords {
                packedEmbeddingForward(ids: tokens.pointer + r.lowerBound, count: r.count, table: packedWords, output: y)
                embeddingSumInPlace(positionIDs: positions.pointer + r.lowerBound, count: r.count, positions: positionTable.pointer,
                                    typeRow: typeRow?.pointer, width: h, output: y)
            } else {
                embeddingSumForward(ids: tokens.pointer + r.lowerBound, positionIDs: positions.pointer + r.lowerBound,
                                    count: r.count, tokens: wordTable!.pointer, positions: positionTable.pointer,
                                    typeRow: typeRow?.pointer, width: h, output: y)
            }
        }
    }

    /// Each token's row of the position table: its index for BERT and DistilBERT; for RoBERTa HF's
    /// `create_position_ids_from_input_ids`, `pad + (non-pad tokens so far)` for a non-pad token and `pad` for a
    /// pad token, decided by the ids (not the attention mask).
    func fillPositionIDs(ids: UnsafePointer<Int32>, batchSize: Int, length: Int, into positions: UnsafeMutablePointer<Int32>) {
        if config.variant == .roberta, let pad = config.padTokenID {
            for b in 0..<batchSize {
                var seen: Int32 = 0
                for t in (b * length)..<((b + 1) * length) {
                    if ids[t] != pad { seen += 1; positions[t] = pad + seen } else { positions[t] = pad }
                }
            }
        } else {
            for b in 0..<batchSize {
                for t in 0..<length { positions[b * length + t] = Int32(t) }
            }
        }
    }

    /// One post-LN block, updating the residual stream `workspace.hidden` in place: x = LN(x + attention(x)), then
    /// x = LN(x + MLP(x)). The residual adds are fused into the output projections' GEMMs (accumulating into x).
    func layerForward(_ index: Int, batch: TokenBatch, workspace w: BertFamilyWorkspace, arena p: ParameterReader,
                      policy: ComputePolicy) {
        let slots = layout.layers[index]
        let n = batch.tokenCount
        linear(w.hidden, rows: n, slots.qkv, p, output: w.qkv, policy: policy)
        attend(batch: batch, workspace: w, policy: policy)
        linear(w.attentionOutput, rows: n, slots.attentionOutput, p, output: w.hidden, accumulate: true, policy: policy)
        normalize(w.hidden, rows: n, slots.attentionNorm, p, policy: policy)
        linear(w.hidden, rows: n, slots.mlpInput, p, output: w.mlpHidden, policy: policy)
        activate(w.mlpHidden, count: n * config.intermediateSize, config.activation, policy: policy)
        linear(w.mlpHidden, rows: n, slots.mlpOutput, p, output: w.hidden, accumulate: true, policy: policy)
        normalize(w.hidden, rows: n, slots.mlpNorm, p, policy: policy)
    }

    /// Every (sequence, head) pair's bidirectional attention in parallel; each query sees its row's real keys.
    func attend(batch: TokenBatch, workspace w: BertFamilyWorkspace, policy: ComputePolicy) {
        multiHeadAttentionForward(qkv: w.qkv, output: w.attentionOutput, probabilities: w.probabilities, batch: batch,
                                  hiddenSize: config.hiddenSize, heads: config.headCount, headDim: config.headDim,
                                  window: .global, policy: policy)
    }

    /// The MLM head: dense, activation, LayerNorm, decoder. Returns the decoder's row summaries when `request`
    /// could be served.
    func headForward(rows n: Int, workspace w: BertFamilyWorkspace, arena p: ParameterReader,
                     summarizing request: SoftmaxSummaryRequest?, policy: ComputePolicy) -> SoftmaxSummaries? {
        linear(w.hidden, rows: n, layout.headDense, p, output: w.headHidden, policy: policy)
        activate(w.headHidden, count: n * config.hiddenSize, config.headActivation, policy: policy)
        normalize(w.headHidden, rows: n, layout.headNorm, p, policy: policy)
        return decode(w.headHidden, rows: n, LinearSlots(weight: layout.decoder, bias: layout.decoderBias), p,
                      output: w.logits, summarizing: request, policy: policy)
    }

    /// `activation` over `count` values, in place.
    func activate(_ values: UnsafeMutablePointer<Float>, count: Int, _ activation: BertFamilyConfig.Activation,
                  policy: ComputePolicy) {
        let x = SendablePointer(values)
        policy.forEachChunk(count, minimumChunk: 4096) { r in
            let start = x.pointer + r.lowerBound
            switch activation {
            case .gelu: geluForward(input: start, output: start, count: r.count)
            case .geluTanh: geluTanhForward(input: start, output: start, count: r.count)
            case .relu: reluForward(input: start, output: start, count: r.count)
            }
        }
    }
}

extension BertFamilyModel: EncoderForwardSteps {
    var normWidth: Int { config.hiddenSize }
    var normEps: Float { config.layerNormEps }
}
