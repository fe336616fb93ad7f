import FlowCore
import FlowDiffusion
import FlowModel
import FlowTrain
import Foundation
import Testing
@testable import FlowLM

/// Every model directory under checkpoints/ loads, has its model card, speaks its task's vocabulary, and
/// the twins of one experiment cell share their architecture (only the objective differs).
@Suite struct ShippedCheckpointTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/FlowLMTests/ShippedCheckpointTests.swift
        return url.appendingPathComponent("checkpoints")
    }()

    static var modelDirectories: [URL] {
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.lastPathComponent == "config.json" }
            .map { $0.deletingLastPathComponent() }.sorted { $0.path < $1.path }
    }

    @Test func everyShippedModelLoadsWithItsCard() throws {
        let directories = Self.modelDirectories
        #expect(directories.contains { $0.lastPathComponent == "shakespeare-flowlm" })
        for directory in directories {
            let model = try LoadedModel(directory: directory, threads: 1)
            #expect(model.denoiser.vocabularySize > 0)
            let card = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
            #expect(card.contains("## Final losses") && card.contains("## Reproduce"), "\(directory.path)")
            let bytes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("model.safetensors").path)[.size] as? Int
            #expect((bytes ?? .max) < 20_000_000, "\(directory.path) is not well under 20 MB")
            // Recommended sampler settings, where a model has them, are valid for it.
            let knobs = try model.startingKnobs()
            try knobs.validate(contextLength: model.denoiser.contextLength)
        }
    }

    @Test func experimentModelsSpeakTheirTaskAndTwinsShareTheirShape() throws {
        for task in SyntheticTaskName.allCases {
            let folder = Self.root.appendingPathComponent("experiment/\(task.rawValue)")
            guard FileManager.default.fileExists(atPath: folder.path) else { continue }
            let evalTask = EvalTask(task: task)
            var shapes: Set<String> = []
            for directory in Self.modelDirectories where directory.path.hasPrefix(folder.path + "/") {
                let model = try LoadedModel(directory: directory, threads: 1)
                try evalTask.check(model: model)
                let config = try ModelDirectory(directory).loadConfig()
                shapes.insert("\(config.hiddenSize)x\(config.layerCount)x\(config.intermediateSize)x\(config.vocabularySize)")
            }
            #expect(shapes.count == 1, "\(task.rawValue): \(shapes)")
        }
    }

    /// A task model opens on its own layout (no Shakespeare prompt of [UNK]s), and the shipped addition
    /// model really adds on it.
    @Test func taskModelsGetTheirTaskDefaults() throws {
        let experiment = Self.root.appendingPathComponent("experiment")
        try #require(FileManager.default.fileExists(atPath: experiment.path))
        let shakespeare = try LoadedModel(directory: Self.root.appendingPathComponent("shakespeare-flowlm"), threads: 1)
        #expect(TaskDefaults.of(shakespeare) == nil)
        let palindrome = try LoadedModel(directory: experiment.appendingPathComponent("palindrome/flowlm-seed0"), threads: 1)
        #expect(TaskDefaults.of(palindrome) == TaskDefaults(task: .palindrome, prompt: "", length: 16))
        let addition = try LoadedModel(directory: experiment.appendingPathComponent("addition/flowlm-seed0"), threads: 1)
        let defaults = try #require(TaskDefaults.of(addition))
        #expect(defaults.task == .addition)
        var knobs = SamplerKnobs()
        knobs.answerLength = defaults.length
        knobs.steps = defaults.length
        let result = try Generation.run(prompt: defaults.prompt, knobs: knobs, model: addition.textModel)
        #expect(result.text == "123+456=579")
    }
}
