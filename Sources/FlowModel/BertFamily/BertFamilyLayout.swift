/// One encoder block's tensors. Query, key and value are one fused [3H, H] weight and [3H] bias (rows: q, then
/// k, then v), so a single GEMM yields the QKV buffer the attention kernel reads heads out of.
public struct BertFamilyLayerSlots: Sendable, Equatable {
    public let qkv: LinearSlots
    public let attentionOutput: LinearSlots
    public let attentionNorm: NormSlots
    public let mlpInput: LinearSlots
    public let mlpOutput: LinearSlots
    public let mlpNorm: NormSlots
}

/// Where every tensor of a BERT-family model lives in one contiguous Float arena, each slot starting at a
/// multiple of 16 floats. Order: word embeddings, position table, token-type table (absent for DistilBERT),
/// embedding norm, the blocks, the head's dense and norm, the decoder weight (untied only) and the decoder bias.
/// Slot names are FlowLM's (`layers.0.qkv.weight`); BertFamilyModel+SafeTensors maps HF's tensors onto them.
public struct BertFamilyLayout: ArenaLayout {
    public let wordEmbeddings: ParameterSlot
    public let positionEmbeddings: ParameterSlot
    public let tokenTypeEmbeddings: ParameterSlot?
    public let embeddingNorm: NormSlots
    public let layers: [BertFamilyLayerSlots]
    public let headDense: LinearSlots
    public let headNorm: NormSlots
    /// nil when the decoder is tied to `wordEmbeddings`.
    public let decoderWeight: ParameterSlot?
    public let decoderBias: ParameterSlot
    public let slots: [ParameterSlot]
    public let totalCount: Int

    /// The decoder's weight, tied or not.
    public var decoder: ParameterSlot { decoderWeight ?? wordEmbeddings }
    public var embeddingTable: ParameterSlot { wordEmbeddings }
    public var linearWeights: [ParameterSlot] {
        [headDense.weight, decoder] + layers.flatMap { [$0.qkv.weight, $0.attentionOutput.weight, $0.mlpInput.weight, $0.mlpOutput.weight] }
    }

    public init(config: BertFamilyConfig) {
        var arena = ArenaLayoutBuilder()
        func slot(_ name: String, _ shape: [Int]) -> ParameterSlot { arena.slot(name, shape) }
        let h = config.hiddenSize, i = config.intermediateSize, v = config.vocabularySize
        func norm(_ name: String) -> NormSlots { NormSlots(weight: slot("\(name).weight", [h]), bias: slot("\(name).bias", [h])) }
        func linear(_ name: String, out: Int, in: Int) -> LinearSlots {
            LinearSlots(weight: slot("\(name).weight", [out, `in`]), bias: slot("\(name).bias", [out]))
        }
        wordEmbeddings = slot("embeddings.word.weight", [v, h])
        positionEmbeddings = slot("embeddings.position.weight", [config.maxPositions, h])
        tokenTypeEmbeddings = config.hasTokenTypes ? slot("embeddings.token_type.weight", [config.typeVocabularySize, h]) : nil
        embeddingNorm = norm("embeddings.norm")
        layers = (0..<config.layerCount).map { l in
            BertFamilyLayerSlots(
                qkv: linear("layers.\(l).qkv", out: 3 * h, in: h),
                attentionOutput: linear("layers.\(l).attention_output", out: h, in: h),
                attentionNorm: norm("layers.\(l).attention_norm"),
                mlpInput: linear("layers.\(l).mlp_input", out: i, in: h),
                mlpOutput: linear("layers.\(l).mlp_output", out: h, in: i),
                mlpNorm: norm("layers.\(l).mlp_norm"))
        }
        headDense = linear("head.dense", out: h, in: h)
        headNorm = norm("head.norm")
        decoderWeight = config.tiedDecoder ? nil : slot("decoder.weight", [v, h])
        decoderBias = slot("decoder.bias", [v])
        slots = arena.slots
        totalCount = arena.totalCount
    }
}
