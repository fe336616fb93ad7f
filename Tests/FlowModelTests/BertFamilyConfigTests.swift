import Foundation
import Testing
import FlowCore
import FlowModel
import FlowTestSupport

@Suite struct BertFamilyConfigTests {
    static let bert = """
    {"model_type": "bert", "vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2,
     "num_attention_heads": 4, "intermediate_size": 48
    """
    static let roberta = """
    {"model_type": "roberta", "vocab_size": 100, "hidden_size": 32, "num_hidden_layers": 2,
     "num_attention_heads": 4, "intermediate_size": 48
    """
    static let distilbert = """
    {"model_type": "distilbert", "vocab_size": 100, "dim": 32, "n_layers": 2, "n_heads": 4, "hidden_dim": 48
    """

    func parse(_ text: String) throws(ModelFileError) -> BertFamilyConfig {
        try BertFamilyConfig.parse(Array(text.utf8), path: "dir/config.json")
    }

    func kind(of text: String) -> ModelFileError.Kind? {
        do { _ = try parse(text); return nil } catch { return error.kind }
    }

    func config(_ name: String) throws -> BertFamilyConfig {
        try BertFamilyConfig.load(from: FixturePath.url("model/\(name)/config.json"))
    }

    @Test func readsTheFixtureConfigs() throws {
        let bert = try config("bert_tied")
        #expect(bert.variant == .bert && bert.modelType == "bert")
        #expect(bert.vocabularySize == 211 && bert.hiddenSize == 36 && bert.layerCount == 3 && bert.headCount == 3)
        #expect(bert.intermediateSize == 64 && bert.maxPositions == 48 && bert.typeVocabularySize == 2)
        #expect(bert.activation == .gelu && bert.tiedDecoder && bert.layerNormEps == 1e-12 && bert.padTokenID == 0)
        let untied = try config("bert_untied_padded")
        #expect(!untied.tiedDecoder && untied.activation == .relu && untied.layerNormEps == 1e-6 && untied.typeVocabularySize == 3)
        #expect(try config("bert_f16").activation == .geluTanh)
        let roberta = try config("roberta_padded")
        #expect(roberta.variant == .roberta && roberta.padTokenID == 1 && roberta.bosTokenID == 0 && roberta.eosTokenID == 2)
        #expect(roberta.firstPosition == 2 && roberta.contextLength == 34 && roberta.headActivation == .gelu)
        let xlmr = try config("xlmr_gelu_new")
        #expect(xlmr.variant == .roberta && xlmr.modelType == "xlm-roberta" && xlmr.padTokenID == 3)
        #expect(xlmr.activation == .geluTanh && xlmr.headActivation == .gelu && xlmr.headDim == 9)
        let distil = try config("distilbert_sinusoidal")
        #expect(distil.variant == .distilbert && distil.sinusoidalPositions && distil.activation == .relu)
        #expect(distil.hiddenSize == 34 && distil.headCount == 2 && distil.intermediateSize == 50 && distil.typeVocabularySize == 0)
        #expect(distil.headActivation == .relu && distil.layerNormEps == 1e-12 && distil.contextLength == 32)
        #expect(try !config("distilbert_learned").sinusoidalPositions)
    }

    @Test func defaultsFollowTransformers() throws {
        let bert = try parse(Self.bert + "}")
        #expect(bert.maxPositions == 512 && bert.typeVocabularySize == 2 && bert.layerNormEps == 1e-12)
        #expect(bert.padTokenID == 0 && bert.bosTokenID == nil && bert.activation == .gelu && bert.tiedDecoder)
        let roberta = try parse(Self.roberta + "}")
        #expect(roberta.padTokenID == 1 && roberta.bosTokenID == 0 && roberta.eosTokenID == 2 && roberta.contextLength == 510)
        let xlmr = try parse(Self.roberta.replacingOccurrences(of: "\"roberta\"", with: "\"xlm-roberta\"") + "}")
        #expect(xlmr.variant == .roberta && xlmr.modelType == "xlm-roberta" && xlmr.padTokenID == 1)
        let distil = try parse(Self.distilbert + "}")
        #expect(distil.maxPositions == 512 && !distil.sinusoidalPositions && distil.padTokenID == 0 && distil.contextLength == 512)
        // Keys HF ignores, and explicit "absolute", are fine; a null pad id is allowed for BERT.
        let explicit = try parse(Self.bert + #", "position_embedding_type": "absolute", "pad_token_id": null, "use_cache": true, "classifier_dropout": null}"#)
        #expect(explicit.padTokenID == nil)
        #expect(try parse(Self.bert + #", "eos_token_id": [7, 8]}"#).eosTokenID == 7)
    }

    @Test(arguments: [
        ("gelu", BertFamilyConfig.Activation.gelu), ("gelu_python", .gelu), ("gelu_new", .geluTanh),
        ("gelu_pytorch_tanh", .geluTanh), ("gelu_fast", .geluTanh), ("gelu_accurate", .geluTanh), ("relu", .relu),
    ])
    func activationNames(name: String, activation: BertFamilyConfig.Activation) throws {
        #expect(try parse(Self.bert + #", "hidden_act": "\#(name)"}"#).activation == activation)
        #expect(try parse(Self.distilbert + #", "activation": "\#(name)"}"#).activation == activation)
    }

    @Test func unsupportedSettingsAreNamed() {
        #expect(kind(of: Self.bert + #", "position_embedding_type": "relative_key"}"#) == .unsupported(key: "position_embedding_type"))
        #expect(kind(of: Self.roberta + #", "position_embedding_type": "relative_key_query"}"#) == .unsupported(key: "position_embedding_type"))
        #expect(kind(of: Self.bert + #", "hidden_act": "silu"}"#) == .unsupported(key: "hidden_act"))
        #expect(kind(of: Self.distilbert + #", "activation": "tanh"}"#) == .unsupported(key: "activation"))
        #expect(kind(of: Self.bert + #", "is_decoder": true}"#) == .unsupported(key: "is_decoder"))
        #expect(kind(of: #"{"model_type": "gpt2", "vocab_size": 3}"#) == .unsupported(key: "model_type"))
        do {
            _ = try parse(Self.bert + #", "position_embedding_type": "relative_key"}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("dir/config.json: "))
            #expect(error.description.contains("position_embedding_type") && error.description.contains("relative_key"))
        }
        do {
            _ = try parse(Self.bert + #", "hidden_act": "silu"}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("dir/config.json: ") && error.description.contains("hidden_act")
                    && error.description.contains("silu") && error.description.contains("gelu_new"))
        }
    }

    @Test func wrongTypesAreNamed() {
        #expect(kind(of: Self.bert.replacingOccurrences(of: "\"hidden_size\": 32", with: "\"hidden_size\": \"32\"") + "}")
                == .invalidValue(key: "hidden_size"))
        #expect(kind(of: Self.bert.replacingOccurrences(of: "\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": 2.5") + "}")
                == .invalidValue(key: "num_hidden_layers"))
        #expect(kind(of: Self.bert + #", "tie_word_embeddings": "yes"}"#) == .invalidValue(key: "tie_word_embeddings"))
        #expect(kind(of: Self.bert + #", "layer_norm_eps": "small"}"#) == .invalidValue(key: "layer_norm_eps"))
        #expect(kind(of: Self.bert + #", "hidden_act": 5}"#) == .invalidValue(key: "hidden_act"))
        #expect(kind(of: Self.bert + #", "position_embedding_type": 1}"#) == .invalidValue(key: "position_embedding_type"))
        #expect(kind(of: Self.bert + #", "max_position_embeddings": [512]}"#) == .invalidValue(key: "max_position_embeddings"))
        #expect(kind(of: Self.bert + #", "type_vocab_size": 0}"#) == .invalidValue(key: "type_vocab_size"))
        #expect(kind(of: Self.bert + #", "pad_token_id": -1}"#) == .invalidValue(key: "pad_token_id"))
        #expect(kind(of: Self.bert + #", "is_decoder": "no"}"#) == .invalidValue(key: "is_decoder"))
        #expect(kind(of: Self.distilbert + #", "sinusoidal_pos_embds": 1}"#) == .invalidValue(key: "sinusoidal_pos_embds"))
        #expect(kind(of: Self.distilbert.replacingOccurrences(of: "\"dim\": 32", with: "\"dim\": -32") + "}") == .invalidValue(key: "dim"))
        #expect(kind(of: #"{"model_type": 7}"#) == .invalidValue(key: "model_type"))
        do {
            _ = try parse(Self.bert + #", "tie_word_embeddings": "yes"}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("dir/config.json: ") && error.description.contains("tie_word_embeddings"))
        }
    }

    @Test func missingKeysAreNamed() {
        #expect(kind(of: #"{"vocab_size": 3}"#) == .missingKey("model_type"))
        #expect(kind(of: Self.bert.replacingOccurrences(of: "\"vocab_size\": 100,", with: "") + "}") == .missingKey("vocab_size"))
        #expect(kind(of: Self.bert.replacingOccurrences(of: "\"intermediate_size\": 48", with: "\"x\": 1") + "}")
                == .missingKey("intermediate_size"))
        #expect(kind(of: Self.distilbert.replacingOccurrences(of: "\"dim\": 32,", with: "") + "}") == .missingKey("dim"))
        #expect(kind(of: Self.distilbert.replacingOccurrences(of: "\"n_heads\": 4,", with: "") + "}") == .missingKey("n_heads"))
        // DistilBERT's own names: BERT's do not stand in for them.
        #expect(kind(of: #"{"model_type": "distilbert", "vocab_size": 100, "hidden_size": 32, "n_layers": 2, "n_heads": 4, "hidden_dim": 48}"#)
                == .missingKey("dim"))
        do {
            _ = try parse(Self.bert.replacingOccurrences(of: "\"vocab_size\": 100,", with: "") + "}")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "dir/config.json: missing required key 'vocab_size'")
        }
    }

    @Test func impossibleShapesAreNamed() throws {
        #expect(kind(of: Self.bert.replacingOccurrences(of: "\"num_attention_heads\": 4", with: "\"num_attention_heads\": 5") + "}")
                == .invalidValue(key: "num_attention_heads"))
        #expect(kind(of: Self.distilbert.replacingOccurrences(of: "\"n_heads\": 4", with: "\"n_heads\": 5") + "}")
                == .invalidValue(key: "n_heads"))
        #expect(kind(of: Self.bert.replacingOccurrences(of: "\"vocab_size\": 100", with: "\"vocab_size\": 4611686018427387904") + "}")
                == .invalidValue(key: "vocab_size"))
        #expect(kind(of: Self.bert + #", "layer_norm_eps": 0}"#) == .invalidValue(key: "layer_norm_eps"))
        #expect(kind(of: Self.bert + #", "layer_norm_eps": 1e300}"#) == .invalidValue(key: "layer_norm_eps"))
        // RoBERTa's positions count from the pad id: it must exist and leave room in the table.
        #expect(kind(of: Self.roberta + #", "pad_token_id": null}"#) == .invalidValue(key: "pad_token_id"))
        #expect(kind(of: Self.roberta + #", "max_position_embeddings": 2}"#) == .invalidValue(key: "max_position_embeddings"))
        #expect(try parse(Self.roberta + #", "max_position_embeddings": 3}"#).contextLength == 1)
        #expect(kind(of: "[1]") == .invalidValue(key: ""))
        #expect(kind(of: Self.bert) == .invalidJSON)
    }

    @Test func missingFileIsNamed() {
        do {
            _ = try BertFamilyConfig.load(from: URL(fileURLWithPath: "/nonexistent/config.json"))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .missingFile && error.path == "/nonexistent/config.json")
        }
    }
}
