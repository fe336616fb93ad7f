import FlowCore
import FlowKernels

extension ModernBertModel {
    /// Runs the masked-LM forward pass over a right-padded batch. Throws only on bad input (ids outside the
    /// vocabulary). `workspace` must have been made for this model's config.
    public func forward(_ batch: TokenBatch, workspace: ForwardWorkspace, policy: ComputePolicy = .allCores,
                        collectHiddenStates: Bool = false) throws(ModelInputError) -> ForwardOutput {
        let v = config.vocabularySize, h = config.hiddenSize, n = batch.tokenCount
        var hiddenStates: [[Float]] = []
        let logits = try forwardInPlace(batch, workspace: workspace, policy: policy) { p in
            if collectHiddenStates { hiddenStates.append(Array(UnsafeBufferPointer(start: p, count: n * h))) }
        }
        return ForwardOutput(
            batchSize: batch.batchSize, length: batch.length, vocabularySize: v,
            logits: Array(logits), hiddenStates: hiddenStates,
            finalHidden: collectHiddenStates && n > 0
                ? Array(UnsafeBufferPointer(start: workspace.head!.finalNormed, count: n * h)) : nil)
    }

    /// The forward pass without copying its output: the logits [B·T, V] stay in `workspace` (valid until
    /// its next use), which is what training and the sampler's hot loop want. `observeHidden` sees the
    /// embeddings output and each layer's output as they are made.
    public func forwardInPlace(_ batch: TokenBatch, workspace: ForwardWorkspace, policy: ComputePolicy = .allCores,
                               observeHidden: (UnsafeMutablePointer<Float>) -> Void = { _ in })
        throws(ModelInputError) -> UnsafeMutableBufferPointer<Float> {
        try forwardInPlace(batch, workspace: workspace, policy: policy, summarizing: nil, observeHidden: observeHidden).logits
    }

    /// `forwardInPlace` that also gathers each row's softmax statistics (`request`) while the decoder writes the
    /// logits, when the weights are packed for inference (`packForInference`) and the kernel can: then the
    /// refinement loop skips its own sweep over the logits. `summaries` is nil when they were not gathered.
    public func forwardInPlace(_ batch: TokenBatch, workspace: ForwardWorkspace, policy: ComputePolicy = .allCores,
                               summarizing request: SoftmaxSummaryRequest?,
                               observeHidden: (UnsafeMutablePointer<Float>) -> Void = { _ in })
        throws(ModelInputError) -> (logits: UnsafeMutableBufferPointer<Float>, summaries: SoftmaxSummaries?) {
        precondition(workspace.config == config, "ForwardWorkspace belongs to another config")
        let v = config.vocabularySize
        try batch.checkIDs(vocabularySize: v)
        let n = batch.tokenCount
        guard n > 0 else { return (UnsafeMutableBufferPointer(start: nil, count: 0), nil) }
        precondition(workspace.logitRows.map { $0 >= n } ?? true, "ForwardWorkspace holds fewer logit rows than the batch")
        workspace.prepare(batchSize: batch.batchSize, length: batch.length)
        policy.activate()
        let head = workspace.head!  // set by prepare
        var summaries: SoftmaxSummaries?
        withParameterReader { p in
            let last = encode(batch, workspace: workspace, arena: p, policy: policy, observeHidden: observeHidden)
            summaries = headForward(input: last, rows: n, head: head, arena: p, summarizing: request, policy: policy)
        }
        return (UnsafeMutableBufferPointer(start: head.logits, count: n * v), summaries)
    }

    /// The forward pass with the logits made `workspace.logitRows` rows at a time, each block handed to `body`
    /// (its rows of the batch and their logits [rows, V]) before the next overwrites it: for callers that read each
    /// row once, so [B·T, V] is never held at once.
    public func forwardInBlocks(_ batch: TokenBatch, workspace: ForwardWorkspace, policy: ComputePolicy = .allCores,
                                body: (Range<Int>, UnsafeBufferPointer<Float>) -> Void) throws(ModelInputError) {
        precondition(workspace.config == config, "ForwardWorkspace belongs to another config")
        let v = config.vocabularySize, h = config.hiddenSize
        try batch.checkIDs(vocabularySize: v)
        let n = batch.tokenCount
        guard n > 0 else { return }
        workspace.prepare(batchSize: batch.batchSize, length: batch.length)
        policy.activate()
        let head = workspace.head!, block = workspace.logitRows ?? n
        withParameterReader { p in
            let last = encode(batch, workspace: workspace, arena: p, policy: policy, observeHidden: { _ in })
            for start in stride(from: 0, to: n, by: block) {
                let rows = min(block, n - start)
                _ = headForward(input: last + start * h, rows: rows, head: head, arena: p, policy: policy)
                body(start..<(start + rows), UnsafeBufferPointer(start: head.logits, count: rows * v))
            }
        }
    }

    /// Embeddings and every layer; returns the last layer's output [B·T, H].
    private func encode(_ batch: TokenBatch, workspace: ForwardWorkspace, arena p: ParameterReader, policy: ComputePolicy,
                        observeHidden: (UnsafeMutablePointer<Float>) -> Void) -> UnsafeMutablePointer<Float> {
        let n = batch.tokenCount, head = workspace.head!
        batch.ids.withUnsafeBufferPointer { ids in
            embed(ids: ids.baseAddress!, count: n, table: layout.tokenEmbeddings, p, output: head.embedded)
        }
        normalize(head.embedded, into: workspace.residuals[0], rows: n, layout.embeddingNorm, p,
                  mean: head.embeddingNormMean, rstd: head.embeddingNormRstd, policy: policy)
        observeHidden(workspace.residuals[0])
        for l in 0..<config.layerCount {
            layerForward(l, batch: batch, buffers: workspace.buffers(layer: l), output: workspace.residuals[l + 1],
                         workspace: workspace, arena: p, policy: policy)
            observeHidden(workspace.residuals[l + 1])
        }
        return workspace.residuals[config.layerCount]
    }

    /// Convenience for one-off calls: a fresh workspace each time.
    public func forward(_ batch: TokenBatch, policy: ComputePolicy = .allCores,
                        collectHiddenStates: Bool = false) throws(ModelInputError) -> ForwardOutput {
        try forward(batch, workspace: ForwardWorkspace(config: config), policy: policy, collectHiddenStates: collectHiddenStates)
    }

    /// The MLM head; returns the decoder's row summaries when `request` could be served.
    func headForward(input: UnsafeMutablePointer<Float>, rows n: Int, head: HeadBuffers, arena p: ParameterReader,
                     summarizing request: SoftmaxSummaryRequest? = nil, policy: ComputePolicy) -> SoftmaxSummaries? {
        let h = config.hiddenSize
        normalize(input, into: head.finalNormed, rows: n, layout.finalNorm, p,
                  mean: head.finalNormMean, rstd: head.finalNormRstd, policy: policy)
        linear(head.finalNormed, rows: n, layout.headDense, p, output: head.dense, policy: policy)
        let dense = SendableConstPointer(head.dense), activated = SendablePointer(head.activated)
        policy.forEachChunk(n, minimumChunk: 32) { r in
            geluForward(input: dense.pointer + r.lowerBound * h, output: activated.pointer + r.lowerBound * h, count: r.count * h)
        }
        normalize(head.activated, into: head.headNormed, rows: n, layout.headNorm, p,
                  mean: head.headNormMean, rstd: head.headNormRstd, policy: policy)
        return decode(head.headNormed, rows: n, LinearSlots(weight: layout.decoder, bias: layout.decoderBias), p,
                      output: head.logits, summarizing: request, policy: policy)
    }
}

extension ModernBertModel: EncoderForwardSteps {
    var normWidth: Int { config.hiddenSize }
    var normEps: Float { config.normEps }
}
