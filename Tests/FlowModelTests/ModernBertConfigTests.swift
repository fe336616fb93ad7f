import Foundation
import Testing
import FlowCore
import FlowModel
import FlowTestSupport

@Suite struct ModernBertConfigTests {
    static let minimal = """
    {"model_type": "modernbert", "vocab_size": 100, "hidden_size": 32, "intermediate_size": 48,
     "num_hidden_layers": 4, "num_attention_heads": 2
    """

    func parse(_ text: String) throws(ModelFileError) -> ModernBertConfig {
        try ModernBertConfig.parse(Array(text.utf8), path: "dir/config.json")
    }

    func kind(of text: String) -> ModelFileError.Kind? {
        do { _ = try parse(text); return nil } catch { return error.kind }
    }

    @Test func readsTheFiveXSpelling() throws {
        let config = try ModernBertConfig.load(from: FixturePath.url("model/nobias/config.json"))
        #expect(config.layerKinds == [.global, .sliding, .sliding])
        #expect(config.globalRopeTheta == 160_000 && config.localRopeTheta == 10_000)
        #expect(config.localAttention == 8 && config.slidingHalfWidth == 4)
        #expect(config.vocabularySize == 256 && config.hiddenSize == 64 && config.headCount == 4)
        #expect(config.specialTokens.pad == 0 && config.specialTokens.cls == 1 && config.specialTokens.sep == 2)
        #expect(config.decoderBias && !config.normBias && config.tiedDecoder)
    }

    @Test func readsTheFourXSpelling() throws {
        let config = try ModernBertConfig.load(from: FixturePath.url("model/legacy_4x/config.json"))
        #expect(config.layerKinds == [.global, .sliding, .global])
        #expect(config.globalRopeTheta == 50_000 && config.localRopeTheta == 1_000)
        #expect(config.normEps == 1e-6)
    }

    @Test func readsEveryFlag() throws {
        let config = try ModernBertConfig.load(from: FixturePath.url("model/allbias/config.json"))
        #expect(config.normBias && config.attentionBias && config.mlpBias && config.classifierBias && config.decoderBias)
        let untied = try ModernBertConfig.load(from: FixturePath.url("model/padded_batch/config.json"))
        #expect(!untied.tiedDecoder && !untied.decoderBias)
    }

    @Test func defaultsFollowTransformers() throws {
        let config = try parse(Self.minimal + "}")
        #expect(config.layerKinds == [.global, .sliding, .sliding, .global])
        #expect(config.localAttention == 128 && config.normEps == 1e-5 && config.decoderBias && !config.mlpBias)
        #expect(config.specialTokens.mask == nil)
    }

    @Test func layerTypesWinOverTheEveryNKey() throws {
        let config = try parse(Self.minimal + #", "global_attn_every_n_layers": 2, "layer_types": ["sliding_attention", "full_attention", "full_attention", "sliding_attention"]}"#)
        #expect(config.layerKinds == [.sliding, .global, .global, .sliding])
    }

    @Test func eosListTakesTheFirstId() throws {
        #expect(try parse(Self.minimal + #", "eos_token_id": [7, 8]}"#).specialTokens.eos == 7)
    }

    @Test func errorsNameTheFileAndTheKey() {
        #expect(kind(of: #"{"model_type": "bert", "vocab_size": 3}"#) == .unsupported(key: "model_type"))
        #expect(kind(of: #"{"vocab_size": 3}"#) == .missingKey("model_type"))
        #expect(kind(of: Self.minimal + #", "hidden_activation": "silu"}"#) == .unsupported(key: "hidden_activation"))
        #expect(kind(of: Self.minimal + #", "classifier_activation": "gelu_pytorch_tanh"}"#) == .unsupported(key: "classifier_activation"))
        #expect(kind(of: Self.minimal + #", "norm_bias": "yes"}"#) == .invalidValue(key: "norm_bias"))
        #expect(kind(of: Self.minimal + #", "layer_types": ["full_attention"]}"#) == .invalidValue(key: "layer_types"))
        #expect(kind(of: Self.minimal + #", "layer_types": ["full_attention", "x", "x", "x"]}"#) == .unsupported(key: "layer_types"))
        #expect(kind(of: Self.minimal + #", "rope_scaling": {"type": "yarn"}}"#) == .unsupported(key: "rope_scaling"))
        #expect(kind(of: Self.minimal + #", "rope_parameters": {"full_attention": {"rope_type": "yarn", "rope_theta": 1.0}}}"#)
                == .unsupported(key: "rope_parameters.full_attention.rope_type"))
        #expect(kind(of: Self.minimal + #", "pad_token_id": -1}"#) == .invalidValue(key: "pad_token_id"))
        #expect(kind(of: #"{"model_type": "modernbert", "vocab_size": 100, "hidden_size": 32}"#) == .missingKey("num_hidden_layers"))
        #expect(kind(of: Self.minimal) == .invalidJSON)
        #expect(kind(of: "[1, 2]") == .invalidValue(key: ""))
        // Shape problems: 32 is not a multiple of 7 heads.
        #expect(kind(of: Self.minimal.replacingOccurrences(of: "\"num_attention_heads\": 2", with: "\"num_attention_heads\": 7") + "}")
                == .invalidValue(key: "num_attention_heads"))
        #expect(kind(of: Self.minimal + #", "norm_eps": 1e300}"#) == .invalidValue(key: "norm_eps"))
        #expect(kind(of: Self.minimal.replacingOccurrences(of: "\"vocab_size\": 100", with: "\"vocab_size\": 4611686018427387904") + "}")
                == .invalidValue(key: "vocab_size"))
        #expect(kind(of: Self.minimal + #", "global_rope_theta": -5}"#) == .invalidValue(key: "global_rope_theta"))
        do {
            _ = try parse(Self.minimal + #", "hidden_activation": "silu"}"#)
        } catch {
            #expect(error.description.hasPrefix("dir/config.json: "))
            #expect(error.description.contains("hidden_activation") && error.description.contains("silu"))
        }
    }

    @Test func missingFileIsNamed() {
        #expect(throws: ModelFileError.self) { try ModernBertConfig.load(from: URL(fileURLWithPath: "/nonexistent/config.json")) }
    }

    @Test(arguments: ["nobias", "allbias", "legacy_4x", "padded_batch"])
    func writtenConfigReadsBackIdentically(name: String) throws {
        let config = try ModernBertConfig.load(from: FixturePath.url("model/\(name)/config.json"))
        let text = config.json.serialized
        #expect(try parse(text) == config)
        // The 5.x spelling plus global_attn_every_n_layers, as transformers 5.24 writes it.
        #expect(text.contains("\"layer_types\"") && text.contains("\"rope_parameters\"") && text.contains("\"global_attn_every_n_layers\""))
    }

    @Test func presetsAreValid() {
        for preset in ModelPreset.allCases { #expect(preset.config.shapeProblem == nil) }
        let base = ModelPreset.base.config
        #expect(base.layerKinds.filter { $0 == .global }.count == 8)
        #expect(ParameterLayout(config: ModelPreset.toy.config).parameterCount > 0)
    }
}
