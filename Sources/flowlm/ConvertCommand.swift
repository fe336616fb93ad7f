import ArgumentParser
import Foundation
import FlowDiffusion
import FlowCore
import FlowLM
import FlowModel

extension DType: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Load a model directory strictly and save it again (config.json in the 5.x spelling, weights as F32, F16 or BF16).")

    @Option(help: "The HF model directory to read.") var model: String
    @Option(help: "The directory to write.") var out: String
    @Option(help: "Stored weight precision: F32, F16 or BF16.") var dtype: DType = .f32

    func validate() throws {
        guard dtype.isFloatingPoint else { throw ValidationError("--dtype must be F32, F16 or BF16") }
    }

    func run() throws {
        try reportingFailures {
            let directory = try ModelDirectory(ModelLocator().directory(model))
            let loaded = try directory.loadModel()
            let destination = URL(fileURLWithPath: out)
            try loaded.save(to: destination, dtype: dtype)
            // The tokenizer and the recommended sampler settings travel with the weights.
            for name in [ModelDirectory.tokenizerName, RecommendedKnobs.fileName] {
                let source = directory.url.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: source.path) else { continue }
                let target = destination.appendingPathComponent(name)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: source, to: target)
            }
            print("wrote \(destination.path) (\(dtype.rawValue))")
        }
    }
}
