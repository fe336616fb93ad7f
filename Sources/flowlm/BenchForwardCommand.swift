import ArgumentParser
import FlowKernels
import FlowLM
import FlowModel

extension ModelPreset: ExpressibleByArgument {}
extension ComputePolicy.Strategy: ExpressibleByArgument {}

struct BenchForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Time the forward pass of a preset with random weights (median of repeats after warm-up).")

    @Option(help: "toy, small, base or large.") var preset: ModelPreset = .toy
    @Option(help: "Sequences per batch.") var batch: Int = 1
    @Option(help: "Tokens per sequence.") var length: Int = 128
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "outer: our workers with single-threaded OpenBLAS; blas: OpenBLAS threads only.")
    var strategy: ComputePolicy.Strategy = .outer
    @Option(help: "Timed runs.") var repeats: Int = 10
    @Flag(inversion: .prefixedNo, help: "Pack the weights for the AVX-512 GEMM as inference does (--no-packed: OpenBLAS on the arena).")
    var packed = true
    @Option(help: "Replace the preset's vocabulary (e.g. 50000: a toy body with the loop benchmark's head).")
    var vocab: Int?
    @Flag(help: "Also gather the refinement loop's row statistics in the decoder GEMM (needs packed weights).")
    var summarize = false
    @OptionGroup var inference: InferenceOptions
    @Flag(name: .customLong("compare-precision"),
          help: "Alternate fp32 and bf16 copies of the same weights in one run (--repeats rounds): per-round ratios, medians, logit agreement.")
    var comparePrecision = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard batch > 0, length > 0, repeats > 0 else { throw ValidationError("--batch, --length and --repeats must be positive") }
        if let vocab, vocab < 8 { throw ValidationError("--vocab must be at least 8") }
    }

    func run() throws {
        warnIfUnoptimizedBuild()
        try reportingFailures {
            let policy = ComputePolicy(threads: threads ?? ComputePolicy.allCores.threads, strategy: strategy)
            if comparePrecision {
                let result = try PrecisionComparison(preset: preset, batch: batch, length: length, policy: policy,
                                                     rounds: repeats).run()
                print(result.json)
                return
            }
            let result = try ForwardBenchmark(preset: preset, batch: batch, length: length, policy: policy, repeats: repeats,
                                          packedWeights: packed, vocabularySize: vocab, summarize: summarize,
                                              precision: inference.precision).run()
            if json {
                print(result.json)
            } else {
                print("flowlm \(preset.rawValue) \(batch)x\(length), \(policy.threads) thread(s) [\(strategy.rawValue)]: median \(result.medianMilliseconds) ms, \(Int(result.tokensPerSecond)) tokens/s")
            }
        }
    }
}
