import ArgumentParser

extension TrainingGemm: ExpressibleByArgument {}
import FlowKernels
import FlowLM
import FlowModel

struct BenchTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Time one training step (forward, loss, backward, AdamW) of a preset with random weights; peak RSS.")

    @Option(help: "toy, small, base or large.") var preset: ModelPreset = .toy
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Tokens per sequence.") var length: Int = 128
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "Timed steps (after two warm-up steps).") var repeats: Int = 5
    @Option(help: "outer: split across our workers; blas: OpenBLAS threads inside each GEMM.")
    var strategy: ComputePolicy.Strategy = .outer
    @Option(help: "Kernel of the large products: packed (AVX-512, where present) or openblas.") var gemm: TrainingGemm = .packed
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard batch > 0, length >= 4, repeats > 0 else { throw ValidationError("--batch and --repeats must be positive, --length at least 4") }
    }

    func run() throws {
        warnIfUnoptimizedBuild()
        try reportingFailures {
            TrainingGemm.current = gemm
            let policy = ComputePolicy(threads: threads ?? ComputePolicy.allCores.threads, strategy: strategy)
            let result = try TrainBenchmark(preset: preset, batch: batch, length: length, policy: policy, repeats: repeats).run()
            if json {
                print(result.json)
            } else {
                print("flowlm train step \(preset.rawValue) \(batch)x\(length), \(policy.threads) thread(s), \(gemm.rawValue): median \(result.medianMilliseconds) ms, "
                      + "\(Int(result.tokensPerSecond)) tokens/s, peak RSS \(Int(result.peakRSSMegabytes)) MB")
            }
        }
    }
}
