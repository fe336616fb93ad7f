public struct LayerSlots: Sendable, Equatable {
    /// nil for layer 0, whose attention norm is the identity.
    public let attentionNorm: NormSlots?
    public let qkv: LinearSlots
    public let attentionOutput: LinearSlots
    public let mlpNorm: NormSlots
    public let mlpInput: LinearSlots
    public let mlpOutput: LinearSlots
}

/// Where every parameter lives in ONE contiguous Float arena (llm.c style), so a gradient arena of the
/// same size mirrors it and an optimiser runs over flat buffers. Order (docs/DECISIONS.md, "Parameter
/// arena"): token embeddings, embedding norm, then per layer attn_norm, Wqkv, attn Wo, mlp_norm, Wi,
/// mlp Wo (each weight followed by its bias when present), final norm, head dense, head norm, decoder
/// weight (untied only), decoder bias. Every slot starts at a multiple of 16 floats (64 bytes).
public struct ParameterLayout: ArenaLayout {
    public let tokenEmbeddings: ParameterSlot
    public let embeddingNorm: NormSlots
    public let layers: [LayerSlots]
    public let finalNorm: NormSlots
    public let headDense: LinearSlots
    public let headNorm: NormSlots
    /// nil when the decoder is tied to `tokenEmbeddings`.
    public let decoderWeight: ParameterSlot?
    public let decoderBias: ParameterSlot?
    public let slots: [ParameterSlot]
    public let totalCount: Int

    /// The decoder's weight slot, tied or not.
    public var decoder: ParameterSlot { decoderWeight ?? tokenEmbeddings }
    public var embeddingTable: ParameterSlot { tokenEmbeddings }
    public var linearWeights: [ParameterSlot] {
        [headDense.weight, decoder] + layers.flatMap { [$0.qkv.weight, $0.attentionOutput.weight, $0.mlpInput.weight, $0.mlpOutput.weight] }
    }

    public init(config: ModernBertConfig) {
        var arena = ArenaLayoutBuilder()
        func slot(_ name: String, _ shape: [Int]) -> ParameterSlot { arena.slot(name, shape) }
        let h = config.hiddenSize, i = config.intermediateSize, v = config.vocabularySize
        func norm(_ name: String) -> NormSlots {
            NormSlots(weight: slot("\(name).weight", [h]), bias: config.normBias ? slot("\(name).bias", [h]) : nil)
        }
        func linear(_ name: String, out: Int, in: Int, bias: Bool) -> LinearSlots {
            LinearSlots(weight: slot("\(name).weight", [out, `in`]), bias: bias ? slot("\(name).bias", [out]) : nil)
        }
        tokenEmbeddings = slot("model.embeddings.tok_embeddings.weight", [v, h])
        embeddingNorm = norm("model.embeddings.norm")
        layers = (0..<config.layerCount).map { l in
            let p = "model.layers.\(l)"
            return LayerSlots(
                attentionNorm: l == 0 ? nil : norm("\(p).attn_norm"),
                qkv: linear("\(p).attn.Wqkv", out: 3 * h, in: h, bias: config.attentionBias),
                attentionOutput: linear("\(p).attn.Wo", out: h, in: h, bias: config.attentionBias),
                mlpNorm: norm("\(p).mlp_norm"),
                mlpInput: linear("\(p).mlp.Wi", out: 2 * i, in: h, bias: config.mlpBias),
                mlpOutput: linear("\(p).mlp.Wo", out: h, in: i, bias: config.mlpBias))
        }
        finalNorm = norm("model.final_norm")
        headDense = linear("head.dense", out: h, in: h, bias: config.classifierBias)
        headNorm = norm("head.norm")
        decoderWeight = config.tiedDecoder ? nil : slot("decoder.weight", [v, h])
        decoderBias = config.decoderBias ? slot("decoder.bias", [v]) : nil
        slots = arena.slots
        totalCount = arena.totalCount
    }
}
