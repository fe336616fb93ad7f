import Foundation
import FlowCore
import FlowKernels
import FlowModel

/// bf16 against fp32 on one preset's random model in one process: the two packed copies of the same weights take
/// turns (the order flipping every round, so neither always runs right after the other), and each round gives a
/// ratio. Reports both the median of the per-round ratios and the ratio of the medians (docs/BENCHMARKS.md says
/// which each headline is), and how far the logits of the last round differ.
public struct PrecisionComparison: Sendable {
    public struct Result: Sendable {
        public let fp32Milliseconds: [Double]
        public let bf16Milliseconds: [Double]
        /// fp32 time / bf16 time per round: above 1 means bf16 is faster.
        public var roundRatios: [Double] { zip(fp32Milliseconds, bf16Milliseconds).map { $0 / $1 } }
        public var medianOfRatios: Double { median(roundRatios) }
        public var ratioOfMedians: Double { median(fp32Milliseconds) / median(bf16Milliseconds) }
        public let agreement: LogitAgreement
        public let shape: BenchmarkShape

        public var json: String {
            func ms(_ x: Double) -> JSONValue { .number(String(format: "%.3f", x)) }
            func ratio(_ x: Double) -> JSONValue { .number(String(format: "%.4f", x)) }
            return JSONValue.object([
                ("preset", .string(shape.preset.rawValue)), ("batch", .number(String(shape.batch))),
                ("length", .number(String(shape.length))), ("threads", .number(String(shape.policy.threads))),
                ("rounds", .number(String(shape.repeats))),
                ("fp32_median_ms", ms(median(fp32Milliseconds))), ("bf16_median_ms", ms(median(bf16Milliseconds))),
                ("median_of_ratios", ratio(medianOfRatios)), ("ratio_of_medians", ratio(ratioOfMedians)),
                ("round_ratios", .array(roundRatios.map(ratio))),
            ] + agreement.jsonFields).serialized
        }
    }

    public var benchmark: ForwardBenchmark

    public init(preset: ModelPreset, batch: Int, length: Int, policy: ComputePolicy, rounds: Int) {
        benchmark = ForwardBenchmark(preset: preset, batch: batch, length: length, policy: policy, repeats: rounds)
    }

    public func run() throws -> Result {
        guard InferencePrecision.bf16Supported else { throw FileProblem("bench forward", "this CPU has no AVX-512 BF16") }
        let unpacked = benchmark.randomModel()
        var fp32 = unpacked, bf16 = unpacked
        fp32.packForInference(precision: .fp32)
        bf16.packForInference(precision: .bf16)
        let tokens = benchmark.randomTokens(vocabularySize: unpacked.config.vocabularySize)
        let fp32Workspace = ForwardWorkspace(config: unpacked.config), bf16Workspace = ForwardWorkspace(config: unpacked.config)
        let shape = benchmark.shape
        func timed(_ model: ModernBertModel, _ workspace: ForwardWorkspace) throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try model.forwardInPlace(tokens, workspace: workspace, policy: shape.policy, summarizing: nil)
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        }
        for _ in 0..<shape.warmups {
            _ = try timed(fp32, fp32Workspace); _ = try timed(bf16, bf16Workspace)
        }
        var fp32Times: [Double] = [], bf16Times: [Double] = []
        for round in 0..<shape.repeats {
            if round % 2 == 0 {
                fp32Times.append(try timed(fp32, fp32Workspace)); bf16Times.append(try timed(bf16, bf16Workspace))
            } else {
                bf16Times.append(try timed(bf16, bf16Workspace)); fp32Times.append(try timed(fp32, fp32Workspace))
            }
        }
        let reference = try fp32.forwardInPlace(tokens, workspace: fp32Workspace, policy: shape.policy, summarizing: nil).logits
        let other = try bf16.forwardInPlace(tokens, workspace: bf16Workspace, policy: shape.policy, summarizing: nil).logits
        let agreement = LogitAgreement(reference: UnsafeBufferPointer(reference), other: UnsafeBufferPointer(other),
                                       vocabularySize: unpacked.config.vocabularySize)
        return Result(fp32Milliseconds: fp32Times, bf16Milliseconds: bf16Times, agreement: agreement, shape: shape)
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
        : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
