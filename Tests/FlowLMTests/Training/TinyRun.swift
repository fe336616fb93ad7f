import FlowCore
import FlowModel
import FlowTestSupport
import FlowTrain
import Foundation
@testable import FlowLM

/// A run small enough to take milliseconds per step in a debug build: a 2-layer, 16-wide ModernBERT on
/// palindromes (or on a text corpus the test writes).
enum TinyRun {
    static func options(data: String = "task:palindrome", output: URL, steps: Int = 6, seed: UInt64 = 7) -> TrainOptions {
        var options = TrainOptions(data: data, output: output)
        options.shape = ModelShapeOverride(hiddenSize: 16, intermediateSize: 32, headCount: 2, layerCount: 2)
        options.steps = steps
        options.batchSize = 4
        options.length = 24
        options.warmupSteps = 2
        options.evaluateEvery = 3
        options.saveEvery = 1_000
        options.threads = 1
        options.seed = seed
        options.vocabularySize = 300
        return options
    }

    /// Parameters of the checkpoint in `directory`.
    static func savedParameters(_ directory: URL) throws -> [Float] {
        try ModelDirectory(directory).loadModel().parameters
    }

    /// The log's records without the wall-clock fields (tokens/s, elapsed), which differ from run to run.
    static func lossCurve(_ directory: URL) throws -> [String] {
        let text = try String(contentsOf: directory.appendingPathComponent("train_log.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard case let .object(members) = try JSONValue.parse(String(line)) else { return "" }
            return JSONValue.object(members.filter { !["tokens_per_s", "elapsed_s"].contains($0.key) }).serialized
        }
    }

    static func weightsStep(_ directory: URL) throws -> Int? {
        try SafeTensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors"))
            .metadata[ModelCheckpoint.stepKey].flatMap(Int.init)
    }

    /// Bit patterns, so NaN == NaN and -0 != +0: "bit-identical" literally.
    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
}
