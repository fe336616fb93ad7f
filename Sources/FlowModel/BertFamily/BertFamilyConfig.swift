import FlowCore

/// The shape and options of a BERT-family masked LM (BERT, RoBERTa / XLM-RoBERTa, DistilBERT), in FlowLM's own
/// names. HF's config.json key names appear only in BertFamilyConfig+JSON.swift, its tensor names only in
/// BertFamilyModel+SafeTensors.swift.
///
/// All three are the same post-LayerNorm encoder: embeddings (word + absolute position [+ token type 0]) →
/// LayerNorm → blocks of (self-attention, residual, LayerNorm, MLP, residual, LayerNorm) → an MLM head of dense,
/// activation, LayerNorm and decoder. They differ in where positions start (RoBERTa counts from the pad id), in
/// token types (DistilBERT has none) and in the head's activation (RoBERTa's is always exact GELU).
public struct BertFamilyConfig: Sendable, Equatable {
    public enum Variant: String, Sendable, Equatable, CaseIterable {
        /// BertForMaskedLM.
        case bert
        /// RobertaForMaskedLM and XLMRobertaForMaskedLM: positions are `pad + 1 + index` over non-pad tokens.
        case roberta
        /// DistilBertForMaskedLM: no token types, optionally sinusoidal positions, LayerNorm eps fixed at 1e-12.
        case distilbert
    }

    /// Activations this engine implements.
    public enum Activation: String, Sendable, Equatable {
        /// Exact erf GELU (HF "gelu").
        case gelu
        /// The tanh approximation (HF "gelu_new", "gelu_pytorch_tanh", "gelu_fast", …).
        case geluTanh = "gelu_tanh"
        case relu
    }

    public var variant: Variant
    /// config.json's `model_type` as written ("bert", "roberta", "xlm-roberta", "distilbert").
    public var modelType: String
    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    /// The encoder MLP's activation, and BERT's and DistilBERT's head transform's.
    public var activation: Activation
    /// Rows of the position table.
    public var maxPositions: Int
    /// Rows of the token-type table (0: none, DistilBERT). Only type 0 is ever used.
    public var typeVocabularySize: Int
    public var layerNormEps: Float
    /// BERT: unused by the forward. RoBERTa: the padding index positions count from (required).
    public var padTokenID: TokenID?
    public var bosTokenID: TokenID?
    public var eosTokenID: TokenID?
    public var tiedDecoder: Bool
    /// DistilBERT: the position table is the fixed sinusoid (computed when the checkpoint leaves it out).
    public var sinusoidalPositions: Bool

    public init(variant: Variant, modelType: String? = nil, vocabularySize: Int, hiddenSize: Int, layerCount: Int,
                headCount: Int, intermediateSize: Int, activation: Activation = .gelu, maxPositions: Int = 512,
                typeVocabularySize: Int? = nil, layerNormEps: Float = 1e-12, padTokenID: TokenID? = nil,
                bosTokenID: TokenID? = nil, eosTokenID: TokenID? = nil, tiedDecoder: Bool = true,
                sinusoidalPositions: Bool = false) {
        self.variant = variant
        self.modelType = modelType ?? variant.rawValue
        self.vocabularySize = vocabularySize; self.hiddenSize = hiddenSize; self.layerCount = layerCount
        self.headCount = headCount; self.intermediateSize = intermediateSize; self.activation = activation
        self.maxPositions = maxPositions
        self.typeVocabularySize = typeVocabularySize ?? (variant == .distilbert ? 0 : 2)
        self.layerNormEps = layerNormEps
        self.padTokenID = padTokenID; self.bosTokenID = bosTokenID; self.eosTokenID = eosTokenID
        self.tiedDecoder = tiedDecoder; self.sinusoidalPositions = sinusoidalPositions
    }

    public var headDim: Int { hiddenSize / headCount }
    public var hasTokenTypes: Bool { typeVocabularySize > 0 }
    /// The MLM head's activation: RoBERTa's head always uses exact GELU, the others the config's.
    public var headActivation: Activation { variant == .roberta ? .gelu : activation }

    /// Position of the first token: RoBERTa counts from `pad + 1`, the others from 0.
    public var firstPosition: Int { variant == .roberta ? Int(padTokenID ?? 0) + 1 : 0 }
    /// The most tokens one sequence may have: the position table's rows from `firstPosition` on.
    public var contextLength: Int { maxPositions - firstPosition }

    /// The sizes every encoder has.
    public var encoderShape: EncoderShape {
        EncoderShape(vocabularySize: vocabularySize, hiddenSize: hiddenSize, layerCount: layerCount, headCount: headCount,
                     intermediateSize: intermediateSize)
    }

    /// Upper bounds on the family's own table sizes, as `EncoderShape.limits` for the others (xlm-roberta-large has
    /// 514 positions).
    public static let limits = (positions: 1 << 20, types: 1 << 16)

    /// The setting a `shapeProblem` is about.
    public enum Field: EncoderShapeField, Sendable, Equatable {
        case vocabularySize, hiddenSize, layerCount, headCount, intermediateSize, maxPositions, typeVocabularySize
        case layerNormEps, padTokenID
    }

    /// Why this config cannot describe a runnable model, or nil.
    public var shapeProblem: (field: Field, problem: String)? {
        if let problem = encoderShape.problem(as: Field.self) { return problem }
        let limits = BertFamilyConfig.limits
        if maxPositions < 1 || maxPositions > limits.positions {
            return (.maxPositions, "position table size must be in 1...\(limits.positions)")
        }
        if variant == .distilbert ? typeVocabularySize != 0 : (typeVocabularySize < 1 || typeVocabularySize > limits.types) {
            return (.typeVocabularySize, variant == .distilbert ? "DistilBERT has no token types"
                                                                 : "token type count must be in 1...\(limits.types)")
        }
        if !(layerNormEps > 0) { return (.layerNormEps, "layer norm epsilon must be positive") }
        if variant == .roberta {
            guard let pad = padTokenID else {
                return (.padTokenID, "RoBERTa needs a pad token id: its positions count from it")
            }
            if Int(pad) + 1 >= maxPositions {
                return (.maxPositions, "the position table (\(maxPositions) rows) leaves no position after the pad id \(pad) + 1")
            }
        }
        return nil
    }
}
