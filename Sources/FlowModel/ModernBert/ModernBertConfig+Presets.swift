/// Named model shapes. Special ids of toy and small follow the order in which FlowTokenizer's BPE
/// trainer creates its specials: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4.
public enum ModelPreset: String, Sendable, CaseIterable {
    case toy, small, base, large

    /// Whether `flowlm train` takes it: base and large are for inference benchmarks only.
    public var trainsHere: Bool { self == .toy || self == .small }

    public var config: ModernBertConfig {
        let trainedSpecials = ModernBertConfig.SpecialTokenIDs(pad: 0, bos: 2, eos: 3, cls: 2, sep: 3, mask: 4)
        switch self {
        case .toy:
            return ModernBertConfig(vocabularySize: 2048, hiddenSize: 256, intermediateSize: 512, headCount: 4,
                                    layerKinds: ModernBertConfig.layerKinds(count: 6, globalEvery: 3),
                                    localAttention: 128, maxPositions: 1024, specialTokens: trainedSpecials)
        case .small:
            return ModernBertConfig(vocabularySize: 8192, hiddenSize: 384, intermediateSize: 768, headCount: 6,
                                    layerKinds: ModernBertConfig.layerKinds(count: 8, globalEvery: 3),
                                    localAttention: 128, maxPositions: 1024, specialTokens: trainedSpecials)
        case .base:
            // ModernBERT-base shapes and ids (answerdotai/ModernBERT-base).
            return ModernBertConfig(vocabularySize: 50368, hiddenSize: 768, intermediateSize: 1152, headCount: 12,
                                    layerKinds: ModernBertConfig.layerKinds(count: 22, globalEvery: 3),
                                    localAttention: 128, maxPositions: 8192,
                                    specialTokens: .init(pad: 50283, bos: 50281, eos: 50282, cls: 50281, sep: 50282, mask: 50284))
        case .large:
            // ModernBERT-large shapes (answerdotai/ModernBERT-large, 395 M parameters), base's ids.
            return ModernBertConfig(vocabularySize: 50368, hiddenSize: 1024, intermediateSize: 2624, headCount: 16,
                                    layerKinds: ModernBertConfig.layerKinds(count: 28, globalEvery: 3),
                                    localAttention: 128, maxPositions: 8192,
                                    specialTokens: .init(pad: 50283, bos: 50281, eos: 50282, cls: 50281, sep: 50282, mask: 50284))
        }
    }
}
