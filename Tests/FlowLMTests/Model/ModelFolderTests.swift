import FlowCore
import FlowDiffusion
import FlowModel
import FlowTestSupport
import Foundation
import Testing
@testable import FlowLM

/// Whole folders as transformers writes them (Tools/make_model_folders.py): a BERT with a WordPiece tokenizer
/// and no mask id in its config, a RoBERTa with a byte-level BPE, a DistilBERT. Each loads through the registry,
/// tokenizes and scores as HF does, and generates with the LLaDA sampler.
@Suite struct ModelFolderTests {
    struct Golden: Decodable {
        let text: String
        let ids: [Int32]
        let argmax: [Int]
        let logits_head: [[Float]]
    }

    static let names = ["bert", "roberta", "distilbert"]

    static func folder(_ name: String) -> URL { FixturePath.url("model-folders/\(name)") }

    static func golden(_ name: String) throws -> [Golden] {
        try JSONDecoder().decode([Golden].self, from: Data(contentsOf: folder(name).appendingPathComponent("golden.json")))
    }

    @Test(arguments: names)
    func tokenizesAndScoresAsTransformers(name: String) throws {
        let model = try LoadedModel(directory: Self.folder(name), threads: 1)
        for case let golden in try Self.golden(name) {
            #expect(model.tokenizer.encode(golden.text, addSpecialTokens: true).ids == golden.ids, "\(name): \(golden.text)")
            let logits = try #require(try model.denoiser.logits(for: [golden.ids]).first)
            for (row, head) in golden.logits_head.enumerated() {
                let values = (0..<logits.vocabularySize).map { logits[row, $0] }
                #expect(values.indices.max { values[$0] < values[$1] } == golden.argmax[row])
                #expect(maxAbsDifference(Array(values.prefix(3)), head) < 2e-4, "\(name) row \(row)")
            }
        }
    }

    @Test(arguments: names)
    func modelsFromElsewhereStartWithTheLLaDASamplerAndGenerate(name: String) throws {
        let loaded = try LoadedModel(directory: Self.folder(name), threads: 1)
        var knobs = try loaded.startingKnobs(answerLength: 8)
        #expect(knobs.sampler == .llada)
        knobs.steps = 4
        let result = try Generation.run(prompt: "the quick", knobs: knobs, model: loaded.textModel)
        #expect(result.summary.finished)
        #expect(!result.ids.contains(loaded.denoiser.specialTokens.mask))
        #expect(result.steps.allSatisfy { $0.changes.allSatisfy { $0.kind == .commit } })
    }

    /// The BERT folder's config.json names no mask id: the mask comes from tokenizer_config.json.
    @Test func bertMaskTokenComesFromTokenizerConfig() throws {
        let config = try String(contentsOf: Self.folder("bert").appendingPathComponent("config.json"), encoding: .utf8)
        #expect(!config.contains("mask_token_id"))
        let loaded = try LoadedModel(directory: Self.folder("bert"), threads: 1)
        #expect(loaded.denoiser.specialTokens.mask == loaded.tokenizer.id(for: "[MASK]"))
        #expect(loaded.modelType == "bert")
    }

    @Test func infoShowsEachArchitecture() throws {
        for name in Self.names {
            let summary = try ModelSummary(directory: Self.folder(name))
            #expect(summary.modelType == name)
            #expect(summary.lines.contains { $0.hasPrefix("tokenizer") && $0.contains(name == "roberta" ? "BPE" : "WordPiece") })
        }
    }

    /// `--model org/name` opens a snapshot in the local Hugging Face cache.
    @Test func hubIDOpensFromTheCache() throws {
        let cache = FixturePath.temporaryDirectory("flowlm-hub")
        defer { try? FileManager.default.removeItem(at: cache) }
        let snapshot = cache.appendingPathComponent("models--tiny--bert/snapshots/0123abcd")
        try FileManager.default.createDirectory(at: snapshot.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.folder("bert"), to: snapshot)
        let directory = try ModelLocator(environment: ["HF_HUB_CACHE": cache.path]).directory("tiny/bert")
        #expect(try LoadedModel(directory: directory, threads: 1).modelType == "bert")
    }
}
