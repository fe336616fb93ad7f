import FlowKernels

extension ModernBertModel {
    /// One encoder layer: pre-norm attention (layer 0 reads its input un-normed) and GeGLU MLP, each
    /// added to the residual stream. `output` may alias `buffers.input` (inference). The residual adds are
    /// fused into the output projections' GEMMs (beta = 1 on a copy of the stream).
    func layerForward(_ index: Int, batch: TokenBatch, buffers b: LayerBuffers, output: UnsafeMutablePointer<Float>,
                      workspace: ForwardWorkspace, arena p: ParameterReader, policy: ComputePolicy) {
        let slots = layout.layers[index]
        let n = batch.tokenCount, h = config.hiddenSize, i = config.intermediateSize

        var attentionInput = UnsafePointer(b.input)
        if let norm = slots.attentionNorm {
            normalize(b.input, into: b.attentionNormed, rows: n, norm, p,
                      mean: b.attentionNormMean, rstd: b.attentionNormRstd, policy: policy)
            attentionInput = UnsafePointer(b.attentionNormed)
        }
        linear(attentionInput, rows: n, slots.qkv, p, output: b.qkv, policy: policy)
        attend(layer: index, batch: batch, buffers: b, workspace: workspace, policy: policy)
        if b.afterAttention != b.input { b.afterAttention.update(from: b.input, count: n * h) }
        linear(b.attentionOutput, rows: n, slots.attentionOutput, p, output: b.afterAttention, accumulate: true, policy: policy)

        normalize(b.afterAttention, into: b.mlpNormed, rows: n, slots.mlpNorm, p,
                  mean: b.mlpNormMean, rstd: b.mlpNormRstd, policy: policy)
        linear(b.mlpNormed, rows: n, slots.mlpInput, p, output: b.mlpHidden, policy: policy)
        let hidden = SendableConstPointer(b.mlpHidden), gated = SendablePointer(b.mlpGated)
        policy.forEachChunk(n, minimumChunk: 16) { r in
            gegluForward(input: hidden.pointer + r.lowerBound * 2 * i, output: gated.pointer + r.lowerBound * i,
                         rows: r.count, inner: i)
        }
        if output != b.afterAttention { output.update(from: b.afterAttention, count: n * h) }
        linear(b.mlpGated, rows: n, slots.mlpOutput, p, output: output, accumulate: true, policy: policy)
    }

    /// RoPE on q and k, then every (sequence, head) pair's attention in parallel.
    func attend(layer index: Int, batch: TokenBatch, buffers b: LayerBuffers, workspace: ForwardWorkspace,
                policy: ComputePolicy) {
        let h = config.hiddenSize, heads = config.headCount, d = config.headDim, t = batch.length
        let stride = 3 * h
        let isGlobal = config.layerKinds[index] == .global
        let window: AttentionWindow = isGlobal ? .global : .sliding(halfWidth: config.slidingHalfWidth)
        let qkv = SendablePointer(b.qkv)
        let table = isGlobal ? workspace.globalRotary : workspace.localRotary
        table.cos.withUnsafeBufferPointer { cosBuffer in
            table.sin.withUnsafeBufferPointer { sinBuffer in
                let cos = SendableConstPointer(cosBuffer.baseAddress!), sin = SendableConstPointer(sinBuffer.baseAddress!)
                policy.forEachChunk(batch.tokenCount, minimumChunk: 32) { r in
                    // q occupies columns 0..<H and k columns H..<2H: rotating 2H columns as 2·heads heads covers both.
                    ropeForward(values: qkv.pointer + r.lowerBound * stride, rows: r.count, rowStride: stride,
                                sequenceLength: t, firstRow: r.lowerBound, heads: 2 * heads, headDim: d, cos: cos.pointer, sin: sin.pointer)
                }
            }
        }
        multiHeadAttentionForward(qkv: b.qkv, output: b.attentionOutput, probabilities: b.probabilities,
                                  probabilitySlots: workspace.probabilitySlots(batchSize: batch.batchSize), batch: batch,
                                  hiddenSize: h, heads: heads, headDim: d, window: window, policy: policy)
    }
}
