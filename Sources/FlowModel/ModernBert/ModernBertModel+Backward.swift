import FlowKernels

extension ModernBertModel {
    /// Backpropagates `logitsGradient` [B·T, V] (the loss's gradient with respect to the logits of the
    /// forward pass just run on `batch` with `forward`, a workspace made with `keepsActivations`) through
    /// the whole model, ADDING every parameter's gradient into `gradients`, an arena laid out like
    /// `parameters`. The tied decoder's gradient lands in the token-embedding slot together with the
    /// lookup's, and the padding token's row gets none from the lookup (PyTorch's `padding_idx`).
    public func backward(_ batch: TokenBatch, forward: ForwardWorkspace, logitsGradient: UnsafePointer<Float>,
                         gradients: inout [Float], workspace: BackwardWorkspace, policy: ComputePolicy = .allCores) {
        precondition(gradients.count == layout.totalCount, "gradient arena has the wrong size")
        gradients.withUnsafeMutableBufferPointer { g in
            backward(batch, forward: forward, logitsGradient: logitsGradient, gradients: g.baseAddress!,
                     workspace: workspace, policy: policy)
        }
    }

    /// `backward` into a gradient arena given as a pointer (`layout.totalCount` floats).
    public func backward(_ batch: TokenBatch, forward: ForwardWorkspace, logitsGradient: UnsafePointer<Float>,
                         gradients g: UnsafeMutablePointer<Float>, workspace: BackwardWorkspace,
                         policy: ComputePolicy = .allCores) {
        precondition(inferenceWeights == nil, "backward needs the float32 arena; a model packed for inference has none")
        precondition(forward.keepsActivations && forward.config == config && workspace.config == config,
                     "backward needs the forward workspace (with kept activations) of this model")
        precondition(forward.batchSize == batch.batchSize && forward.length == batch.length,
                     "backward must follow a forward pass over the same batch")
        let n = batch.tokenCount, h = config.hiddenSize
        guard n > 0 else { return }
        workspace.prepare(batchSize: batch.batchSize, length: batch.length)
        policy.activate()
        let head = forward.head!
        parameters.withUnsafeBufferPointer { arenaBuffer in
            let p = arenaBuffer.baseAddress!
            headBackward(rows: n, head: head, residual: forward.residuals[config.layerCount], logitsGradient: logitsGradient,
                         workspace: workspace, arena: p, gradients: g, policy: policy)
            for l in stride(from: config.layerCount - 1, through: 0, by: -1) {
                layerBackward(l, batch: batch, buffers: forward.buffers(layer: l), forward: forward,
                              workspace: workspace, arena: p, gradients: g, policy: policy)
            }
            let embeddingNorm = layout.embeddingNorm
            layerNormBackward(input: head.embedded, outputGradient: workspace.residual, inputGradient: workspace.hiddenA,
                              rows: n, width: h, weight: p + embeddingNorm.weight.offset,
                              mean: head.embeddingNormMean, rstd: head.embeddingNormRstd,
                              weightGradient: g + embeddingNorm.weight.offset,
                              biasGradient: embeddingNorm.bias.map { g + $0.offset })
            batch.ids.withUnsafeBufferPointer { ids in
                embeddingBackward(ids: ids.baseAddress!, count: n, outputGradient: workspace.hiddenA, width: h,
                                  tableGradient: g + layout.tokenEmbeddings.offset, skipping: config.specialTokens.pad)
            }
        }
    }

    /// Decoder, head norm, GELU, head dense and final norm; leaves the residual gradient in `workspace.residual`.
    private func headBackward(rows n: Int, head: HeadBuffers, residual: UnsafeMutablePointer<Float>,
                              logitsGradient: UnsafePointer<Float>, workspace w: BackwardWorkspace,
                              arena p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, policy: ComputePolicy) {
        let h = config.hiddenSize
        let decoder = LinearSlots(weight: layout.decoder, bias: layout.decoderBias)
        linearBackward(head.headNormed, rows: n, decoder, outputGradient: logitsGradient, inputGradient: w.hiddenA,
                       arena: p, gradients: g, policy: policy)
        normBackward(head.activated, rows: n, layout.headNorm, mean: head.headNormMean, rstd: head.headNormRstd,
                     outputGradient: w.hiddenA, inputGradient: w.hiddenB, accumulate: false, arena: p, gradients: g, policy: policy)
        let dense = SendableConstPointer(head.dense), d = SendablePointer(w.hiddenB)
        policy.forEachChunk(n, minimumChunk: 32) { r in
            let offset = r.lowerBound * h
            geluBackward(input: dense.pointer + offset, outputGradient: d.pointer + offset, inputGradient: d.pointer + offset,
                         count: r.count * h)
        }
        linearBackward(head.finalNormed, rows: n, layout.headDense, outputGradient: w.hiddenB, inputGradient: w.hiddenA,
                       arena: p, gradients: g, policy: policy)
        normBackward(residual, rows: n, layout.finalNorm, mean: head.finalNormMean, rstd: head.finalNormRstd,
                     outputGradient: w.hiddenA, inputGradient: w.residual, accumulate: false, arena: p, gradients: g, policy: policy)
    }

    /// One encoder layer in reverse. On entry `workspace.residual` holds the gradient of the layer's
    /// output; on exit, of its input (both residual branches accumulate into it in place).
    private func layerBackward(_ index: Int, batch: TokenBatch, buffers b: LayerBuffers, forward: ForwardWorkspace,
                               workspace w: BackwardWorkspace, arena p: UnsafePointer<Float>,
                               gradients g: UnsafeMutablePointer<Float>, policy: ComputePolicy) {
        let slots = layout.layers[index]
        let n = batch.tokenCount, i = config.intermediateSize

        // MLP branch: output = afterAttention + Wo·geglu(Wi·norm(afterAttention)).
        linearBackward(b.mlpGated, rows: n, slots.mlpOutput, outputGradient: w.residual, inputGradient: w.mlpGated,
                       arena: p, gradients: g, policy: policy)
        let hidden = SendableConstPointer(b.mlpHidden), dGated = SendableConstPointer(w.mlpGated)
        let dHidden = SendablePointer(w.mlpHidden)
        policy.forEachChunk(n, minimumChunk: 16) { r in
            gegluBackward(input: hidden.pointer + r.lowerBound * 2 * i, outputGradient: dGated.pointer + r.lowerBound * i,
                          inputGradient: dHidden.pointer + r.lowerBound * 2 * i, rows: r.count, inner: i)
        }
        linearBackward(b.mlpNormed, rows: n, slots.mlpInput, outputGradient: w.mlpHidden, inputGradient: w.hiddenA,
                       arena: p, gradients: g, policy: policy)
        normBackward(b.afterAttention, rows: n, slots.mlpNorm, mean: b.mlpNormMean, rstd: b.mlpNormRstd,
                     outputGradient: w.hiddenA, inputGradient: w.residual, accumulate: true, arena: p, gradients: g, policy: policy)

        // Attention branch: afterAttention = input + Wo·attention(rope(Wqkv·norm(input))).
        linearBackward(b.attentionOutput, rows: n, slots.attentionOutput, outputGradient: w.residual,
                       inputGradient: w.hiddenA, arena: p, gradients: g, policy: policy)
        attentionLayerBackward(layer: index, batch: batch, buffers: b, forward: forward, workspace: w, policy: policy)
        let attentionInput = slots.attentionNorm == nil ? b.input : b.attentionNormed
        linearBackward(attentionInput, rows: n, slots.qkv, outputGradient: w.qkv, inputGradient: w.hiddenB,
                       arena: p, gradients: g, policy: policy)
        if let norm = slots.attentionNorm {
            normBackward(b.input, rows: n, norm, mean: b.attentionNormMean, rstd: b.attentionNormRstd,
                         outputGradient: w.hiddenB, inputGradient: w.residual, accumulate: true, arena: p, gradients: g, policy: policy)
        } else {
            addForward(w.residual, w.hiddenB, output: w.residual, count: n * config.hiddenSize)
        }
    }

    /// From the gradient of the concatenated heads (`workspace.hiddenA`) to the gradient of Wqkv's output
    /// before RoPE (`workspace.qkv`).
    private func attentionLayerBackward(layer index: Int, batch: TokenBatch, buffers b: LayerBuffers, forward: ForwardWorkspace,
                                   workspace w: BackwardWorkspace, policy: ComputePolicy) {
        let h = config.hiddenSize, heads = config.headCount, d = config.headDim, t = batch.length, stride = 3 * h
        let qkv = SendableConstPointer(b.qkv), dqkv = SendablePointer(w.qkv), dOut = SendableConstPointer(w.hiddenA)
        let probabilities = SendableConstPointer(b.probabilities), scratch = SendablePointer(w.attentionScratch)
        let lengths = batch.lengths
        policy.forEach(batch.batchSize * heads) { task in
            let sequence = task / heads, head = task % heads
            let offset = sequence * t * stride + head * d
            FlowKernels.attentionBackward(q: qkv.pointer + offset, k: qkv.pointer + offset + h, v: qkv.pointer + offset + 2 * h,
                              rowStride: stride, probabilities: probabilities.pointer + task * t * t,
                              outputGradient: dOut.pointer + sequence * t * h + head * d, outputGradientStride: h,
                              dq: dqkv.pointer + offset, dk: dqkv.pointer + offset + h, dv: dqkv.pointer + offset + 2 * h,
                              length: t, headDim: d, keyCount: lengths[sequence], scratch: scratch.pointer + task * t * t)
        }
        let isGlobal = config.layerKinds[index] == .global
        let table = isGlobal ? forward.globalRotary : forward.localRotary
        table.cos.withUnsafeBufferPointer { cosBuffer in
            table.sin.withUnsafeBufferPointer { sinBuffer in
                let cos = SendableConstPointer(cosBuffer.baseAddress!), sin = SendableConstPointer(sinBuffer.baseAddress!)
                policy.forEachChunk(batch.tokenCount, minimumChunk: 32) { r in
                    ropeBackward(gradients: dqkv.pointer + r.lowerBound * stride, rows: r.count, rowStride: stride,
                                 sequenceLength: t, firstRow: r.lowerBound, heads: 2 * heads, headDim: d,
                                 cos: cos.pointer, sin: sin.pointer)
                }
            }
        }
    }

    private func linearBackward(_ input: UnsafePointer<Float>, rows: Int, _ slots: LinearSlots,
                                outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
                                arena p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, policy: ComputePolicy) {
        FlowKernels.linearBackward(input: input, rows: rows, inFeatures: slots.weight.shape[1], weight: p + slots.weight.offset,
                                   outFeatures: slots.weight.shape[0], outputGradient: outputGradient,
                                   inputGradient: inputGradient, weightGradient: g + slots.weight.offset,
                                   biasGradient: slots.bias.map { g + $0.offset }, policy: policy)
    }

    /// LayerNorm backward with rows split over the workers: each writes its rows of the input gradient and
    /// sums its rows' weight and bias gradients into its own scratch, added to the arena afterwards in worker
    /// order (deterministic for a given worker count).
    private func normBackward(_ input: UnsafePointer<Float>, rows: Int, _ slots: NormSlots,
                              mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                              outputGradient: UnsafePointer<Float>, inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool,
                              arena p: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>,
                              policy: ComputePolicy = .serial) {
        let h = config.hiddenSize
        let parts = max(1, min(policy.workers, rows / 256))
        guard parts > 1 else {
            layerNormBackward(input: input, outputGradient: outputGradient, inputGradient: inputGradient, accumulateInput: accumulate,
                              rows: rows, width: h, weight: p + slots.weight.offset, mean: mean, rstd: rstd,
                              weightGradient: g + slots.weight.offset, biasGradient: slots.bias.map { g + $0.offset })
            return
        }
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: parts * 2 * h)
        defer { scratch.deallocate() }
        scratch.initialize(repeating: 0, count: parts * 2 * h)
        let x = SendableConstPointer(input), dy = SendableConstPointer(outputGradient), dx = SendablePointer(inputGradient)
        let weight = SendableConstPointer(p + slots.weight.offset), m = SendableConstPointer(mean), r = SendableConstPointer(rstd)
        let partial = SendablePointer(scratch), hasBias = slots.bias != nil
        policy.forEach(parts) { part in
            let lower = rows * part / parts, upper = rows * (part + 1) / parts
            let sums = partial.pointer + part * 2 * h
            layerNormBackward(input: x.pointer + lower * h, outputGradient: dy.pointer + lower * h,
                              inputGradient: dx.pointer + lower * h, accumulateInput: accumulate, rows: upper - lower,
                              width: h, weight: weight.pointer, mean: m.pointer + lower, rstd: r.pointer + lower,
                              weightGradient: sums, biasGradient: hasBias ? sums + h : nil)
        }
        for part in 0..<parts {
            let sums = scratch + part * 2 * h
            for j in 0..<h { g[slots.weight.offset + j] += sums[j] }
            if let bias = slots.bias { for j in 0..<h { g[bias.offset + j] += sums[h + j] } }
        }
    }
}
