import Foundation
import FlowCore

// The only place that knows the BERT family's config.json key names (BertConfig, RobertaConfig,
// XLMRobertaConfig, DistilBertConfig of transformers 5.24). Defaults are those classes' defaults; the shape keys
// have none here, as for ModernBERT. Unknown keys are ignored, as HF does; known keys with the wrong type,
// unsupported activations or position kinds, and shapes HF would refuse are errors naming the file and the key.
extension BertFamilyConfig: ConfigJSONReadable {
    /// A config.json already parsed (`path` for messages); `model_type` picks the variant.
    public static func parse(json: JSONValue, path: String) throws(ModelFileError) -> BertFamilyConfig {
        try ConfigJSONReader(json: json, path: path).bertFamilyConfig()
    }

    /// config.json `model_type` values this family reads, and the variant each is.
    public static let modelTypes: [(modelType: String, variant: Variant)] = [
        ("bert", .bert), ("roberta", .roberta), ("xlm-roberta", .roberta), ("distilbert", .distilbert),
    ]
}

// The BERT family's keys, read with the shared typed accessors.
extension ConfigJSONReader {
    /// HF activation names and what this engine runs for each (ACT2FN in transformers/activations.py: every
    /// tanh-form GELU is `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`).
    fileprivate static let bertActivations: [(name: String, activation: BertFamilyConfig.Activation)] = [
        ("gelu", .gelu), ("gelu_python", .gelu),
        ("gelu_new", .geluTanh), ("gelu_pytorch_tanh", .geluTanh), ("gelu_python_tanh", .geluTanh),
        ("gelu_fast", .geluTanh), ("gelu_accurate", .geluTanh),
        ("relu", .relu),
    ]

    fileprivate func activation(_ key: String) throws(ModelFileError) -> BertFamilyConfig.Activation {
        guard let name = try string(key) else { return .gelu }
        guard let match = Self.bertActivations.first(where: { $0.name == name }) else {
            let supported = Self.bertActivations.map(\.name).joined(separator: ", ")
            throw fail(.unsupported(key: key), "key '\(key)': unsupported activation '\(name)' (supported: \(supported))")
        }
        return match.activation
    }

    fileprivate func bertFamilyConfig() throws(ModelFileError) -> BertFamilyConfig {
        guard case .object = json else { throw fail(.invalidValue(key: ""), "config is not a JSON object") }
        guard let modelType = try string("model_type") else {
            throw fail(.missingKey("model_type"), "missing required key 'model_type'")
        }
        let known = BertFamilyConfig.modelTypes
        guard let variant = known.first(where: { $0.modelType == modelType })?.variant else {
            throw fail(.unsupported(key: "model_type"),
                       "key 'model_type': unsupported model type '\(modelType)' (expected \(known.map(\.modelType).joined(separator: ", ")))")
        }
        let config = variant == .distilbert ? try readDistilBert(modelType: modelType) : try readBert(variant, modelType: modelType)
        if let (field, problem) = config.shapeProblem {
            let distil = variant == .distilbert
            let key = switch field {
            case .vocabularySize: "vocab_size"
            case .hiddenSize: distil ? "dim" : "hidden_size"
            case .layerCount: distil ? "n_layers" : "num_hidden_layers"
            case .headCount: distil ? "n_heads" : "num_attention_heads"
            case .intermediateSize: distil ? "hidden_dim" : "intermediate_size"
            case .maxPositions: "max_position_embeddings"
            case .typeVocabularySize: "type_vocab_size"
            case .layerNormEps: "layer_norm_eps"
            case .padTokenID: "pad_token_id"
            }
            throw fail(.invalidValue(key: key), "key '\(key)': \(problem)")
        }
        return config
    }

    /// BertConfig, RobertaConfig and XLMRobertaConfig share their keys; RoBERTa's pad id defaults to 1.
    fileprivate func readBert(_ variant: BertFamilyConfig.Variant, modelType: String) throws(ModelFileError) -> BertFamilyConfig {
        if let kind = try string("position_embedding_type"), kind != "absolute" {
            throw fail(.unsupported(key: "position_embedding_type"),
                       "key 'position_embedding_type': unsupported position embedding '\(kind)' (supported: absolute)")
        }
        if try flag("is_decoder", default: false) {
            throw fail(.unsupported(key: "is_decoder"),
                       "key 'is_decoder': a decoder attends causally; only the bidirectional encoder is supported")
        }
        let roberta = variant == .roberta
        return BertFamilyConfig(
            variant: variant, modelType: modelType,
            vocabularySize: try int("vocab_size", minimum: 1),
            hiddenSize: try int("hidden_size", minimum: 1),
            layerCount: try int("num_hidden_layers", minimum: 1),
            headCount: try int("num_attention_heads", minimum: 1),
            intermediateSize: try int("intermediate_size", minimum: 1),
            activation: try activation("hidden_act"),
            maxPositions: try int("max_position_embeddings", default: 512, minimum: 1),
            typeVocabularySize: try int("type_vocab_size", default: 2, minimum: 1),
            layerNormEps: try number("layer_norm_eps", default: 1e-12),
            padTokenID: try tokenID("pad_token_id", default: roberta ? 1 : 0),
            bosTokenID: try tokenID("bos_token_id", default: roberta ? 0 : nil),
            eosTokenID: try tokenID("eos_token_id", default: roberta ? 2 : nil),
            tiedDecoder: try flag("tie_word_embeddings", default: true))
    }

    /// DistilBertConfig's own key names; its LayerNorms have eps 1e-12 whatever the config says.
    fileprivate func readDistilBert(modelType: String) throws(ModelFileError) -> BertFamilyConfig {
        BertFamilyConfig(
            variant: .distilbert, modelType: modelType,
            vocabularySize: try int("vocab_size", minimum: 1),
            hiddenSize: try int("dim", minimum: 1),
            layerCount: try int("n_layers", minimum: 1),
            headCount: try int("n_heads", minimum: 1),
            intermediateSize: try int("hidden_dim", minimum: 1),
            activation: try activation("activation"),
            maxPositions: try int("max_position_embeddings", default: 512, minimum: 1),
            typeVocabularySize: 0,
            layerNormEps: 1e-12,
            padTokenID: try tokenID("pad_token_id", default: 0),
            bosTokenID: try tokenID("bos_token_id"),
            eosTokenID: try tokenID("eos_token_id"),
            tiedDecoder: try flag("tie_word_embeddings", default: true),
            sinusoidalPositions: try flag("sinusoidal_pos_embds", default: false))
    }
}
