import FlowCore

/// The shape and options of a ModernBERT masked-LM, in FlowLM's own names. HF's config.json key names
/// appear only in ModernBertConfig+JSON.swift.
public struct ModernBertConfig: Sendable, Equatable {
    /// Global layers attend everywhere; sliding ones within `localAttention / 2` positions on each side.
    public enum AttentionKind: Sendable, Equatable { case global, sliding }

    /// Activations this engine implements (HF's `"gelu"`: exact erf).
    public enum Activation: String, Sendable, Equatable { case gelu }

    /// Special-token ids recorded in the config (each optional: HF allows null).
    public struct SpecialTokenIDs: Sendable, Equatable {
        public var pad: TokenID?
        public var bos: TokenID?
        public var eos: TokenID?
        public var cls: TokenID?
        public var sep: TokenID?
        public var mask: TokenID?

        public init(pad: TokenID? = nil, bos: TokenID? = nil, eos: TokenID? = nil, cls: TokenID? = nil,
                    sep: TokenID? = nil, mask: TokenID? = nil) {
            self.pad = pad; self.bos = bos; self.eos = eos; self.cls = cls; self.sep = sep; self.mask = mask
        }
    }

    public var vocabularySize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var headCount: Int
    public var layerKinds: [AttentionKind]
    public var globalRopeTheta: Float
    public var localRopeTheta: Float
    /// Total sliding-window width; a query sees keys within `localAttention / 2` on each side.
    public var localAttention: Int
    public var normEps: Float
    public var normBias: Bool
    public var attentionBias: Bool
    public var mlpBias: Bool
    public var classifierBias: Bool
    public var decoderBias: Bool
    public var tiedDecoder: Bool
    public var hiddenActivation: Activation
    public var classifierActivation: Activation
    public var maxPositions: Int
    public var specialTokens: SpecialTokenIDs

    public var layerCount: Int { layerKinds.count }
    public var headDim: Int { hiddenSize / headCount }
    public var slidingHalfWidth: Int { localAttention / 2 }

    /// Layer i is global iff i % n == 0 (HF's `global_attn_every_n_layers`).
    public static func layerKinds(count: Int, globalEvery n: Int) -> [AttentionKind] {
        (0..<count).map { $0 % max(1, n) == 0 ? .global : .sliding }
    }

    /// The n for which `layerKinds(count:globalEvery:)` reproduces this config's layers, if any.
    public var globalEvery: Int? {
        (1...max(1, layerCount)).first { ModernBertConfig.layerKinds(count: layerCount, globalEvery: $0) == layerKinds }
    }

    public init(vocabularySize: Int, hiddenSize: Int, intermediateSize: Int, headCount: Int,
                layerKinds: [AttentionKind], globalRopeTheta: Float = 160_000, localRopeTheta: Float = 10_000,
                localAttention: Int = 128, normEps: Float = 1e-5, normBias: Bool = false, attentionBias: Bool = false,
                mlpBias: Bool = false, classifierBias: Bool = false, decoderBias: Bool = true, tiedDecoder: Bool = true,
                hiddenActivation: Activation = .gelu, classifierActivation: Activation = .gelu,
                maxPositions: Int = 8192, specialTokens: SpecialTokenIDs = SpecialTokenIDs()) {
        self.vocabularySize = vocabularySize; self.hiddenSize = hiddenSize; self.intermediateSize = intermediateSize
        self.headCount = headCount; self.layerKinds = layerKinds
        self.globalRopeTheta = globalRopeTheta; self.localRopeTheta = localRopeTheta
        self.localAttention = localAttention; self.normEps = normEps; self.normBias = normBias
        self.attentionBias = attentionBias; self.mlpBias = mlpBias; self.classifierBias = classifierBias
        self.decoderBias = decoderBias; self.tiedDecoder = tiedDecoder
        self.hiddenActivation = hiddenActivation; self.classifierActivation = classifierActivation
        self.maxPositions = maxPositions; self.specialTokens = specialTokens
    }

    /// The sizes every encoder has.
    public var encoderShape: EncoderShape {
        EncoderShape(vocabularySize: vocabularySize, hiddenSize: hiddenSize, layerCount: layerCount, headCount: headCount,
                     intermediateSize: intermediateSize)
    }

    /// The setting a `shapeProblem` is about.
    public enum Field: EncoderShapeField, Sendable, Equatable {
        case vocabularySize, hiddenSize, intermediateSize, headCount, layerCount, localAttention, normEps
        case globalRopeTheta, localRopeTheta
    }

    /// Why this config cannot describe a runnable model, or nil.
    public var shapeProblem: (field: Field, problem: String)? {
        if let problem = encoderShape.problem(as: Field.self) { return problem }
        if headDim % 2 != 0 { return (.headCount, "head dimension \(headDim) must be even for rotary embeddings") }
        if localAttention < 0 { return (.localAttention, "local attention window must not be negative") }
        if !(normEps > 0) { return (.normEps, "norm epsilon must be positive") }
        if !(globalRopeTheta > 0) { return (.globalRopeTheta, "rope theta must be positive") }
        if !(localRopeTheta > 0) { return (.localRopeTheta, "rope theta must be positive") }
        return nil
    }
}
