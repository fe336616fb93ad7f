import Foundation
import FlowCore

// The only place that knows the BERT family's config.json key names (BertConfig, RobertaConfig,
// XLMRobertaConfig, DistilBertConfig of transformers 5.24). Defaults are those classes' defaults; the shape keys
// have none here, as for ModernBERT. Unknown keys are ignored, as HF does; known keys with the wrong type,
// unsupported activations or position kinds, and shapes HF would refuse are errors naming the file and the key.
extension BertFamilyConfig {
    public static func load(from url: URL) throws(ModelFileError) -> BertFamilyConfig {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw ModelFileError(path: url.path, kind: missing ? .missingFile : .unreadableFile,
                                 detail: missing ? "file not found" : "cannot read the file")
        }
        return try parse(bytes, path: url.path)
    }

    public static func parse(_ bytes: some Collection<UInt8>, path: String) throws(ModelFileError) -> BertFamilyConfig {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw ModelFileError(path: path, kind: .invalidJSON, detail: "not valid JSON (\(error.description))")
        }
        return try parse(json: json, path: path)
    }

    /// A config.json already parsed (`path` for messages); `model_type` picks the variant.
    public static func parse(json: JSONValue, path: String) throws(ModelFileError) -> BertFamilyConfig {
        try BertFamilyConfigReader(json: json, path: path).read()
    }

    /// config.json `model_type` values this family reads, and the variant each is.
    public static let modelTypes: [(modelType: String, variant: Variant)] = [
        ("bert", .bert), ("roberta", .roberta), ("xlm-roberta", .roberta), ("distilbert", .distilbert),
    ]
}

private struct BertFamilyConfigReader {
    let json: JSONValue
    let path: String

    /// HF activation names and what this engine runs for each (ACT2FN in transformers/activations.py: every
    /// tanh-form GELU is `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`).
    static let activations: [(name: String, activation: BertFamilyConfig.Activation)] = [
        ("gelu", .gelu), ("gelu_python", .gelu),
        ("gelu_new", .geluTanh), ("gelu_pytorch_tanh", .geluTanh), ("gelu_python_tanh", .geluTanh),
        ("gelu_fast", .geluTanh), ("gelu_accurate", .geluTanh),
        ("relu", .relu),
    ]

    func fail(_ kind: ModelFileError.Kind, _ detail: String) -> ModelFileError {
        ModelFileError(path: path, kind: kind, detail: detail)
    }

    func present(_ key: String) -> JSONValue? {
        guard let value = json[key], !value.isNull else { return nil }
        return value
    }

    func int(_ key: String, default fallback: Int? = nil, minimum: Int = 0) throws(ModelFileError) -> Int {
        guard let value = present(key) else {
            if let fallback { return fallback }
            throw fail(.missingKey(key), "missing required key '\(key)'")
        }
        guard let n = value.intValue, n >= minimum else {
            throw fail(.invalidValue(key: key), "key '\(key)' must be an integer ≥ \(minimum)")
        }
        return n
    }

    func number(_ key: String, default fallback: Float) throws(ModelFileError) -> Float {
        guard let value = present(key) else { return fallback }
        guard let d = value.doubleValue, Float(d).isFinite else {
            throw fail(.invalidValue(key: key), "key '\(key)' must be a number within float range")
        }
        return Float(d)
    }

    func flag(_ key: String, default fallback: Bool) throws(ModelFileError) -> Bool {
        guard let value = present(key) else { return fallback }
        guard let b = value.boolValue else { throw fail(.invalidValue(key: key), "key '\(key)' must be true or false") }
        return b
    }

    func string(_ key: String) throws(ModelFileError) -> String? {
        guard let value = present(key) else { return nil }
        guard let s = value.stringValue else { throw fail(.invalidValue(key: key), "key '\(key)' must be a string") }
        return s
    }

    /// A token id; absent gives `fallback`, an explicit null gives nil (HF allows both).
    func tokenID(_ key: String, default fallback: TokenID? = nil) throws(ModelFileError) -> TokenID? {
        guard let raw = json[key] else { return fallback }
        guard var value = raw.isNull ? nil : raw else { return nil }
        // eos_token_id may be a list in HF configs; the first id is the one a masked LM uses.
        if let list = value.arrayValue, let first = list.first { value = first }
        guard let n = value.intValue, n >= 0, n <= Int(TokenID.max) else {
            throw fail(.invalidValue(key: key), "key '\(key)' must be a non-negative token id")
        }
        return TokenID(n)
    }

    func activation(_ key: String) throws(ModelFileError) -> BertFamilyConfig.Activation {
        guard let name = try string(key) else { return .gelu }
        guard let match = Self.activations.first(where: { $0.name == name }) else {
            let supported = Self.activations.map(\.name).joined(separator: ", ")
            throw fail(.unsupported(key: key), "key '\(key)': unsupported activation '\(name)' (supported: \(supported))")
        }
        return match.activation
    }

    func read() throws(ModelFileError) -> BertFamilyConfig {
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
    func readBert(_ variant: BertFamilyConfig.Variant, modelType: String) throws(ModelFileError) -> BertFamilyConfig {
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
    func readDistilBert(modelType: String) throws(ModelFileError) -> BertFamilyConfig {
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
