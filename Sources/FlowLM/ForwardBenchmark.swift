import Foundation
import FlowCore
import FlowKernels
import FlowModel

/// Times the forward pass of a preset with random weights: warm-up runs, then the median of repeats.
/// Output matches Tools/peer_torch.py's JSON so Tools/bench_forward.sh can divide one by the other.
public struct ForwardBenchmark: Sendable {
    public struct Result: Sendable {
        public let times: BenchmarkTimes
        public var medianMilliseconds: Double { times.medianMilliseconds }
        public var tokensPerSecond: Double { times.tokensPerSecond }
        public let vocabularySize: Int
        public let summarized: Bool
        /// What the GEMMs ran in (nil: unpacked, OpenBLAS in fp32).
        public let precision: InferencePrecision?
        public var json: String {
            JSONValue.object(times.jsonFields + [("vocab_size", .number(String(vocabularySize))),
                                                 ("summarized", .bool(summarized)),
                                                 ("precision", .string(precision?.rawValue ?? "fp32"))]).serialized
        }
    }

    public var shape: BenchmarkShape
    /// Whether the weights are packed for the AVX-512 GEMM, as every inference path does (false: OpenBLAS).
    public var packedWeights: Bool
    /// The preset's vocabulary replaced (a toy body with a 50k head, the loop benchmark's shape).
    public var vocabularySize: Int?
    /// Whether the decoder also gathers the refinement loop's row statistics (5 candidates, T = 1), to
    /// measure what that fusion adds to the forward pass.
    public var summarize: Bool
    /// The GEMMs' number format (nil: `InferencePrecision.automatic`); bf16 falls back to fp32 where the CPU lacks it.
    public var precision: InferencePrecision?

    public init(preset: ModelPreset, batch: Int, length: Int, policy: ComputePolicy, repeats: Int = 10,
                packedWeights: Bool = true, vocabularySize: Int? = nil, summarize: Bool = false,
                precision: InferencePrecision? = nil) {
        shape = BenchmarkShape(preset: preset, batch: batch, length: length, policy: policy, repeats: repeats)
        self.packedWeights = packedWeights; self.vocabularySize = vocabularySize; self.summarize = summarize
        self.precision = precision
    }

    /// The preset's model with random weights (seed 1), unpacked.
    func randomModel() -> ModernBertModel {
        var config = shape.preset.config
        if let vocabularySize { config.vocabularySize = vocabularySize }
        return ModernBertModel.randomlyInitialized(config: config, seed: 1)
    }

    /// The benchmark's input: random tokens (seed 2).
    func randomTokens(vocabularySize: Int) -> TokenBatch {
        var random = FlowRandom(seed: 2)
        let sequences = (0..<shape.batch).map { _ in (0..<shape.length).map { _ in TokenID(random.nextInt(below: vocabularySize)) } }
        return TokenBatch(sequences: sequences, padID: 0)
    }

    var summaryRequest: SoftmaxSummaryRequest? {
        summarize ? SoftmaxSummaryRequest(temperature: 1, candidates: 5, excluded: [0, 2, 3, 4], weighted: false) : nil
    }

    public func run() throws -> Result {
        var model = randomModel()
        let config = model.config
        if packedWeights { model.packForInference(precision: precision) }
        let tokens = randomTokens(vocabularySize: config.vocabularySize)
        let workspace = ForwardWorkspace(config: config)
        let request = summaryRequest
        var times: [Double] = []
        var summarized = false
        for run in 0..<(shape.warmups + shape.repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            // Logits stay in the workspace, as in the sampler and the trainer (PyTorch returns its tensor uncopied too).
            summarized = try model.forwardInPlace(tokens, workspace: workspace, policy: shape.policy, summarizing: request)
                .summaries != nil
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if run >= shape.warmups { times.append(elapsed) }
        }
        return Result(times: BenchmarkTimes(shape: shape, milliseconds: times), vocabularySize: config.vocabularySize,
                      summarized: summarized, precision: model.inferenceWeights?.precision)
    }
}
