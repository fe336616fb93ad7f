import ArgumentParser
import Foundation
import FlowKernels
import FlowLM

struct BenchAgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "bf16 against fp32 logits on held-out canvases: argmax agreement over every position and max |Δlogit|.")

    @Option(help: "Model directory.") var model: String
    @Option(help: "Text corpus (file or folder) for a model that is not a synthetic-task model.") var data: String?
    @Option(name: .customLong("text-length"), help: "Text: tokens per held-out window.") var textLength: Int = 48
    @Option(help: "Canvases (a synthetic task's samples or the held-out windows, cycled), each with a random share of its answer masked.")
    var samples: Int = 300
    @Option(help: "Seed of the canvases and their masks.") var seed: UInt64 = 0
    @Option(help: "Threads (default: all cores).") var threads: Int?

    func validate() throws {
        guard samples > 0, textLength >= 8 else { throw ValidationError("--samples must be positive, --text-length at least 8") }
        guard InferencePrecision.bf16Supported else { throw ValidationError("this CPU has no AVX-512 BF16 (avx512_bf16)") }
    }

    func run() throws {
        try reportingFailures {
            var run = PrecisionAgreement(directory: try ModelLocator().directory(model), corpus: data.map { URL(fileURLWithPath: $0) })
            run.textLength = textLength; run.samples = samples; run.seed = seed
            if let threads { run.policy = ComputePolicy(threads: threads) }
            print(try run.run().json)
        }
    }
}
