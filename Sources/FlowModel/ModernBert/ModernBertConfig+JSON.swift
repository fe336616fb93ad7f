import Foundation
import FlowCore

// The only place that knows HF's config.json key names. Both spellings are read: transformers 5.x
// (`layer_types`, `rope_parameters`) and the 4.x hub form (`global_attn_every_n_layers`,
// `global_rope_theta`, `local_rope_theta`). Unknown keys are ignored, as HF does; known keys with the
// wrong type, unknown model types, activations or RoPE kinds are errors naming the file and the key.
extension ModernBertConfig: ConfigJSONReadable {
    public static func parse(json: JSONValue, path: String) throws(ModelFileError) -> ModernBertConfig {
        try ConfigJSONReader(json: json, path: path).modernBertConfig()
    }
}

// ModernBERT's keys, read with the shared typed accessors.
extension ConfigJSONReader {
    fileprivate func activation(_ key: String) throws(ModelFileError) -> ModernBertConfig.Activation {
        guard let name = try string(key) else { return .gelu }
        guard let activation = ModernBertConfig.Activation(rawValue: name) else {
            throw fail(.unsupported(key: key), "key '\(key)': unsupported activation '\(name)' (supported: gelu)")
        }
        return activation
    }

    fileprivate func layerKinds(count: Int) throws(ModelFileError) -> [ModernBertConfig.AttentionKind] {
        guard let value = present("layer_types") else {
            let n = try int("global_attn_every_n_layers", default: 3, minimum: 1)
            return ModernBertConfig.layerKinds(count: count, globalEvery: n)
        }
        guard let names = value.arrayValue, names.count == count else {
            throw fail(.invalidValue(key: "layer_types"), "key 'layer_types' must list one type per layer (\(count))")
        }
        var kinds: [ModernBertConfig.AttentionKind] = []
        for name in names {
            switch name.stringValue {
            case "full_attention": kinds.append(.global)
            case "sliding_attention": kinds.append(.sliding)
            default:
                throw fail(.unsupported(key: "layer_types"),
                           "key 'layer_types': unsupported entry \(name.serialized) (full_attention or sliding_attention)")
            }
        }
        return kinds
    }

    /// (global theta, local theta) from `rope_parameters` or the 4.x keys; only plain RoPE is supported.
    fileprivate func ropeThetas() throws(ModelFileError) -> (Float, Float) {
        if let scaling = present("rope_scaling") {
            throw fail(.unsupported(key: "rope_scaling"), "key 'rope_scaling': RoPE scaling \(scaling.serialized) is not supported")
        }
        guard let parameters = present("rope_parameters") else {
            return (try number("global_rope_theta", default: 160_000), try number("local_rope_theta", default: 10_000))
        }
        guard case .object = parameters else {
            throw fail(.invalidValue(key: "rope_parameters"), "key 'rope_parameters' must be an object")
        }
        func theta(_ kind: String, _ fallback: Float) throws(ModelFileError) -> Float {
            guard let entry = present(kind, in: parameters) else { return fallback }
            if let type = present("rope_type", in: entry), type.stringValue != "default" {
                throw fail(.unsupported(key: "rope_parameters.\(kind).rope_type"),
                           "key 'rope_parameters.\(kind).rope_type': only \"default\" RoPE is supported, not \(type.serialized)")
            }
            return try number("rope_theta", in: entry, default: fallback)
        }
        return (try theta("full_attention", 160_000), try theta("sliding_attention", 10_000))
    }

    fileprivate func modernBertConfig() throws(ModelFileError) -> ModernBertConfig {
        guard case .object = json else { throw fail(.invalidValue(key: ""), "config is not a JSON object") }
        guard let modelType = present("model_type")?.stringValue else {
            throw fail(.missingKey("model_type"), "missing required key 'model_type'")
        }
        guard modelType == "modernbert" else {
            throw fail(.unsupported(key: "model_type"), "key 'model_type': unsupported model type '\(modelType)' (expected modernbert)")
        }
        let layerCount = try int("num_hidden_layers", minimum: 1)
        let (globalTheta, localTheta) = try ropeThetas()
        let config = ModernBertConfig(
            vocabularySize: try int("vocab_size", minimum: 1),
            hiddenSize: try int("hidden_size", minimum: 1),
            intermediateSize: try int("intermediate_size", minimum: 1),
            headCount: try int("num_attention_heads", minimum: 1),
            layerKinds: try layerKinds(count: layerCount),
            globalRopeTheta: globalTheta, localRopeTheta: localTheta,
            localAttention: try int("local_attention", default: 128),
            normEps: try number("norm_eps", default: 1e-5),
            normBias: try flag("norm_bias", default: false),
            attentionBias: try flag("attention_bias", default: false),
            mlpBias: try flag("mlp_bias", default: false),
            classifierBias: try flag("classifier_bias", default: false),
            decoderBias: try flag("decoder_bias", default: true),
            tiedDecoder: try flag("tie_word_embeddings", default: true),
            hiddenActivation: try activation("hidden_activation"),
            classifierActivation: try activation("classifier_activation"),
            maxPositions: try int("max_position_embeddings", default: 8192, minimum: 1),
            specialTokens: .init(pad: try tokenID("pad_token_id"), bos: try tokenID("bos_token_id"),
                                 eos: try tokenID("eos_token_id"), cls: try tokenID("cls_token_id"),
                                 sep: try tokenID("sep_token_id"), mask: try tokenID("mask_token_id")))
        if let (field, problem) = config.shapeProblem {
            let key = switch field {
            case .vocabularySize: "vocab_size"
            case .hiddenSize: "hidden_size"
            case .intermediateSize: "intermediate_size"
            case .headCount: "num_attention_heads"
            case .layerCount: "num_hidden_layers"
            case .localAttention: "local_attention"
            case .normEps: "norm_eps"
            case .globalRopeTheta: present("rope_parameters") == nil ? "global_rope_theta" : "rope_parameters.full_attention.rope_theta"
            case .localRopeTheta: present("rope_parameters") == nil ? "local_rope_theta" : "rope_parameters.sliding_attention.rope_theta"
            }
            throw fail(.invalidValue(key: key), "key '\(key)': \(problem)")
        }
        return config
    }
}

extension ModernBertConfig {
    /// config.json as transformers 5.24 writes it (5.x spelling, keys sorted), plus
    /// `global_attn_every_n_layers`, which 5.24 keeps, so 4.x readers understand it too.
    public var json: JSONValue {
        // Float's description is the shortest text that reads back to the same float ("1e-05", "160000.0").
        func number(_ x: Float) -> JSONValue { .number("\(x)") }
        func id(_ t: TokenID?) -> JSONValue { t.map { .number(String($0)) } ?? .null }
        func int(_ n: Int) -> JSONValue { .number(String(n)) }
        func rope(_ theta: Float) -> JSONValue { .object([("rope_theta", number(theta)), ("rope_type", .string("default"))]) }
        let members: [(key: String, value: JSONValue)] = [
            ("architectures", .array([.string("ModernBertForMaskedLM")])),
            ("attention_bias", .bool(attentionBias)),
            ("attention_dropout", .number("0.0")),
            ("bos_token_id", id(specialTokens.bos)),
            ("classifier_activation", .string(classifierActivation.rawValue)),
            ("classifier_bias", .bool(classifierBias)),
            ("classifier_dropout", .number("0.0")),
            ("classifier_pooling", .string("cls")),
            ("cls_token_id", id(specialTokens.cls)),
            ("decoder_bias", .bool(decoderBias)),
            ("deterministic_flash_attn", .bool(false)),
            ("dtype", .string("float32")),
            ("embedding_dropout", .number("0.0")),
            ("eos_token_id", id(specialTokens.eos)),
            ("global_attn_every_n_layers", int(globalEvery ?? 3)),
            ("hidden_activation", .string(hiddenActivation.rawValue)),
            ("hidden_size", int(hiddenSize)),
            ("initializer_cutoff_factor", .number("2.0")),
            ("initializer_range", .number("0.02")),
            ("intermediate_size", int(intermediateSize)),
            ("layer_types", .array(layerKinds.map { .string($0 == .global ? "full_attention" : "sliding_attention") })),
            ("local_attention", int(localAttention)),
            ("mask_token_id", id(specialTokens.mask)),
            ("max_position_embeddings", int(maxPositions)),
            ("mlp_bias", .bool(mlpBias)),
            ("mlp_dropout", .number("0.0")),
            ("model_type", .string("modernbert")),
            ("norm_bias", .bool(normBias)),
            ("norm_eps", number(normEps)),
            ("num_attention_heads", int(headCount)),
            ("num_hidden_layers", int(layerCount)),
            ("pad_token_id", id(specialTokens.pad)),
            ("rope_parameters", .object([("full_attention", rope(globalRopeTheta)), ("sliding_attention", rope(localRopeTheta))])),
            ("sep_token_id", id(specialTokens.sep)),
            ("sparse_pred_ignore_index", .number("-100")),
            ("sparse_prediction", .bool(false)),
            ("tie_word_embeddings", .bool(tiedDecoder)),
            ("transformers_version", .string("5.24.0")),
            ("vocab_size", int(vocabularySize)),
        ]
        return .object(members.filter { !($0.key == "mask_token_id" && $0.value.isNull) })
    }

    public func write(to url: URL) throws {
        try AtomicFile.write(json.serialized + "\n", to: url)
    }
}
