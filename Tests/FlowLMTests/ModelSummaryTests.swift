import Foundation
import Testing
import FlowCore
import FlowLM
import FlowModel
import FlowTestSupport

@Suite struct ModelSummaryTests {
    @Test func summarisesShapeParametersAndDTypes() throws {
        let summary = try ModelSummary(directory: FixturePath.url("model/bf16"))
        let config = try ModelDirectory(FixturePath.url("model/bf16")).loadConfig()
        #expect(summary.parameterCount == ParameterLayout(config: config).parameterCount)
        #expect(summary.modelType == "modernbert")
        #expect(summary.storedDTypes.keys.sorted { $0.rawValue < $1.rawValue } == [.bf16])
        #expect(summary.storedDTypes[.bf16] == summary.parameterCount)
        #expect(summary.tokenizer == nil)
        #expect(summary.lines.contains { $0.contains("vocab 120") && $0.contains("2 layers") })
    }

    @Test func readsTokenizerVocabularySize() throws {
        let directory = FixturePath.temporaryDirectory("flowlm-summary")
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = FixturePath.url("model/bf16")
        for name in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let tokenizer = #"{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "c": 2}}, "added_tokens": [{"id": 7, "content": "[PAD]"}]}"#
        try Data(tokenizer.utf8).write(to: directory.appendingPathComponent("tokenizer.json"))
        let summary = try ModelSummary(directory: directory)
        #expect(summary.tokenizer?.modelType == "BPE")
        #expect(summary.tokenizer?.vocabularySize == 8)
        #expect(summary.tokenizer?.addedTokens == 1)
    }
}
