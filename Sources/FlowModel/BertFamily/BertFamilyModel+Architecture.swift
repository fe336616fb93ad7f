import FlowCore
import FlowKernels

extension BertFamilyModel: MaskedLanguageModel {
    public var modelType: String { config.modelType }
    public var vocabularySize: Int { config.vocabularySize }
    public var contextLength: Int { config.contextLength }
    public var parameterCount: Int { layout.parameterCount }

    public var configSpecialTokens: ConfigSpecialTokens {
        ConfigSpecialTokens(pad: config.padTokenID, bos: config.bosTokenID, eos: config.eosTokenID)
    }

    public var summaryRows: [(label: String, value: String)] {
        let c = config
        let positions = switch c.variant {
        case .roberta: "absolute, \(c.maxPositions) rows, counted from pad id \(c.padTokenID.map(String.init) ?? "?") + 1 (context \(c.contextLength))"
        case .distilbert: "\(c.sinusoidalPositions ? "sinusoidal" : "absolute"), \(c.maxPositions) rows"
        case .bert: "absolute, \(c.maxPositions) rows"
        }
        return [
            ("shape", c.encoderShape.summary),
            ("positions", positions + (c.hasTokenTypes ? "; \(c.typeVocabularySize) token type\(c.typeVocabularySize == 1 ? "" : "s") (type 0 used)" : "; no token types")),
            ("blocks", "post-LayerNorm, eps \(c.layerNormEps); activations \(c.activation.rawValue)/\(c.headActivation.rawValue) (encoder/head)"),
            ("decoder", c.tiedDecoder ? "tied to the word embeddings, with bias" : "untied, with bias"),
        ]
    }

    /// Packs the arena; a model already packed in that precision is itself. Packing needs the arena: a packed model
    /// asked for another precision stops (load it again in that one).
    public func packedForInference(precision: InferencePrecision?) -> BertFamilyModel {
        if let packed = inferenceWeights {
            precondition(packed.precision == InferencePrecision.resolved(precision),
                         "a model packed in \(packed.precision.rawValue) keeps no arena to pack again")
            return self
        }
        guard let packed = packArena(precision: precision) else { return self }
        return BertFamilyModel(config: config, parameters: [], packed: packed)
    }

    public func makeWorkspace() -> BertFamilyWorkspace { BertFamilyWorkspace(config: config) }

    public func logitsInPlace(_ batch: TokenBatch, workspace: BertFamilyWorkspace, policy: ComputePolicy,
                              summarizing request: SoftmaxSummaryRequest?)
        throws(ModelInputError) -> (logits: UnsafeMutableBufferPointer<Float>, summaries: SoftmaxSummaries?) {
        try forwardInPlace(batch, workspace: workspace, policy: policy, summarizing: request)
    }
}

extension ModelArchitecture {
    /// BERT (`BertForMaskedLM`).
    public static let bert = bertFamily(modelTypes: ["bert"], huggingFaceClass: "BertForMaskedLM")
    /// RoBERTa and XLM-RoBERTa (`RobertaForMaskedLM`, `XLMRobertaForMaskedLM`): the same model.
    public static let roberta = bertFamily(modelTypes: ["roberta", "xlm-roberta"],
                                           huggingFaceClass: "RobertaForMaskedLM / XLMRobertaForMaskedLM")
    /// DistilBERT (`DistilBertForMaskedLM`).
    public static let distilbert = bertFamily(modelTypes: ["distilbert"], huggingFaceClass: "DistilBertForMaskedLM")

    /// An entry whose loader reads a BERT-family config (refusing a `model_type` outside `modelTypes`), and binds the
    /// weights.
    private static func bertFamily(modelTypes: [String], huggingFaceClass: String) -> ModelArchitecture {
        ModelArchitecture(modelTypes: modelTypes, huggingFaceClass: huggingFaceClass) { json, path, weights, form throws(ModelFileError) in
            let config = try BertFamilyConfig.parse(json: json, path: path)
            guard modelTypes.contains(config.modelType) else {
                throw ModelFileError(path: path, kind: .unsupported(key: "model_type"),
                                     detail: "key 'model_type': '\(config.modelType)' is not read by the \(huggingFaceClass) loader (expected \(modelTypes.joined(separator: ", ")))")
            }
            return try BertFamilyModel(config: config, weights: weights, form: form)
        }
    }
}
