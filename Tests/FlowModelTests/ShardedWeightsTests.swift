import Foundation
import Testing
import FlowCore
import FlowKernels
@testable import FlowModel
import FlowTestSupport

/// Checkpoints split the way transformers writes large models: model.safetensors.index.json and shards.
@Suite struct ShardedWeightsTests {
    static let source = FixturePath.url("model/padded_batch")

    /// Copies the fixture's config and splits its weights into `shardCount` shards with an index; `editMap`
    /// may corrupt the index's weight_map before it is written.
    static func shardedCopy(shardCount: Int = 2, editMap: (inout [String: String]) -> Void = { _ in }) throws -> URL {
        let directory = FixturePath.temporaryDirectory("flowlm-sharded")
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"),
                                         to: directory.appendingPathComponent("config.json"))
        let file = try SafeTensorsFile(contentsOf: source.appendingPathComponent("model.safetensors"))
        var weightMap: [String: String] = [:]
        for s in 0..<shardCount {
            let name = String(format: "model-%05d-of-%05d.safetensors", s + 1, shardCount)
            let mine = file.tensors.enumerated().filter { $0.offset % shardCount == s }.map(\.element)
            let payloads = try mine.map { info in
                try file.withBytes(info.name) { TensorPayload(name: info.name, dtype: info.dtype, shape: info.shape, bytes: Data($0)) }
            }
            try SafeTensorsWriter.write(payloads, to: directory.appendingPathComponent(name))
            for info in mine { weightMap[info.name] = name }
        }
        editMap(&weightMap)
        let index: [String: Any] = ["metadata": ["total_size": 0], "weight_map": weightMap]
        try JSONSerialization.data(withJSONObject: index).write(to: directory.appendingPathComponent(ModelDirectory.shardIndexName))
        return directory
    }

    @Test func shardedCheckpointGivesTheSameLogitsAsTheSingleFile() throws {
        let directory = try Self.shardedCopy(shardCount: 3)
        defer { try? FileManager.default.removeItem(at: directory) }
        let sharded = try ModelDirectory(directory)
        #expect(sharded.weightsLayout == .sharded(index: directory.appendingPathComponent(ModelDirectory.shardIndexName)))
        #expect(try sharded.openWeights().shards.count == 3)
        let batch = TokenBatch(sequences: [[1, 5, 9, 13, 2], [1, 7, 2]], padID: 0)
        let expected = try ModelDirectory(Self.source).loadMaskedLanguageModel().copiedLogits(batch, policy: .serial).logits
        let actual = try sharded.loadMaskedLanguageModel().copiedLogits(batch, policy: .serial).logits
        #expect(actual == expected)
    }

    @Test func indexThatMisplacesATensorNamesTheIndexAndTheTensor() throws {
        let directory = try Self.shardedCopy { map in
            let name = map.keys.sorted()[0]
            map[name] = map[name] == "model-00001-of-00002.safetensors" ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors"
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory).openWeights() }
        #expect(error?.path.hasSuffix(ModelDirectory.shardIndexName) == true)
        #expect(error?.detail.contains("should be in") == true)
    }

    @Test func indexThatLeavesATensorOutIsRefused() throws {
        let directory = try Self.shardedCopy { map in map.removeValue(forKey: map.keys.sorted()[0]) }
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory).openWeights() }
        #expect(error?.detail.contains("is not in the weight_map") == true)
    }

    @Test func missingShardIsNamed() throws {
        let directory = try Self.shardedCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("model-00002-of-00002.safetensors"))
        let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory).openWeights() }
        #expect(error?.path.hasSuffix("model-00002-of-00002.safetensors") == true)
        #expect(error?.kind == .missingFile)
    }

    @Test func shardNamesCannotLeaveTheModelDirectory() throws {
        let directory = try Self.shardedCopy { map in map[map.keys.sorted()[0]] = "../model.safetensors" }
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory).openWeights() }
        #expect(error?.detail.contains("not a file in the model directory") == true)
    }

    @Test func hostileIndexFilesGiveClearErrors() throws {
        let directory = try Self.shardedCopy()
        defer { try? FileManager.default.removeItem(at: directory) }
        let index = directory.appendingPathComponent(ModelDirectory.shardIndexName)
        let original = try Data(contentsOf: index)
        for (text, expected) in [
            (String(decoding: original.prefix(original.count / 2), as: UTF8.self), "not valid JSON"),
            (#"{"metadata": {}}"#, "missing 'weight_map'"),
            (#"{"weight_map": {}}"#, "names no tensors"),
            (#"{"weight_map": {"a": 3}}"#, "is not a file name"),
            ("[1, 2]", "missing 'weight_map'"),
        ] {
            try Data(text.utf8).write(to: index)
            let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory).openWeights() }
            #expect(error?.detail.contains(expected) == true, "\(text): \(error?.detail ?? "no error")")
            #expect(error?.path == index.path)
        }
    }

    @Test func pickleWeightsAloneAreRefusedWithTheConversionCommand() throws {
        let directory = FixturePath.temporaryDirectory("flowlm-pickle")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Self.source.appendingPathComponent("config.json"),
                                         to: directory.appendingPathComponent("config.json"))
        try Data([0x80, 0x02]).write(to: directory.appendingPathComponent("pytorch_model.bin"))
        let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory) }
        #expect(error?.path.hasSuffix("pytorch_model.bin") == true)
        #expect(error?.description.contains("save_pretrained") == true)
        #expect(error?.description.contains("safe_serialization=True") == true)
    }

    @Test func unknownModelTypeListsTheSupportedOnes() throws {
        let json = try JSONValue.parse(Array(#"{"model_type": "gpt2"}"#.utf8))
        let error = #expect(throws: ModelFileError.self) { try ModelRegistry.architecture(config: json, path: "c/config.json") }
        #expect(error?.detail.contains("'gpt2'") == true)
        for type in ModelRegistry.supportedModelTypes { #expect(error?.detail.contains(type) == true) }
        let missing = #expect(throws: ModelFileError.self) {
            try ModelRegistry.architecture(config: try JSONValue.parse(Array("{}".utf8)), path: "c/config.json")
        }
        #expect(missing?.kind == .missingKey("model_type"))
    }
}

/// A config.json whose shapes would not fit in memory is refused before anything is allocated, with the estimate.
@Suite struct MemoryBudgetTests {
    @Test func absurdShapesAreRefusedWithTheEstimate() throws {
        let directory = FixturePath.temporaryDirectory("flowlm-huge")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = FixturePath.url("model/nobias")
        try FileManager.default.copyItem(at: source.appendingPathComponent("model.safetensors"),
                                         to: directory.appendingPathComponent("model.safetensors"))
        var config = try String(contentsOf: source.appendingPathComponent("config.json"), encoding: .utf8)
        for (key, value) in [("hidden_size", 65536), ("intermediate_size", 131072), ("num_hidden_layers", 200), ("num_attention_heads", 512)] {
            config = config.replacingOccurrences(of: #""\#(key)": [0-9]+"#, with: "\"\(key)\": \(value)", options: .regularExpression)
        }
        config = config.replacingOccurrences(of: #""layer_types": \[[^\]]*\]"#, with: #""global_attn_every_n_layers": 3"#,
                                             options: .regularExpression)
        try config.write(to: directory.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let error = #expect(throws: ModelFileError.self) { try ModelDirectory(directory).loadMaskedLanguageModel() }
        #expect(error?.detail.contains("GB") == true && error?.detail.contains("this machine has") == true, "\(error?.detail ?? "")")
        #expect(error?.path.hasSuffix("model.safetensors") == true)
    }
}
