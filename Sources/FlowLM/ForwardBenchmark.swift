import Foundation
import FlowCore
import FlowKernels
import FlowModel

/// Times the forward pass of a preset with random weights: warm-up runs, then the median of repeats.
/// Output matches Tools/peer_torch.py's JSON so Tools/bench_forward.sh can divide one by the other.
public struct ForwardBenchmark: Sendable {
    public struct Result: Sendable {
        public let preset: String
        public let batch: Int
        public let length: Int
        public let threads: Int
        public let strategy: String
        public let repeats: Int
        public let medianMilliseconds: Double
        public let minimumMilliseconds: Double
        public var tokensPerSecond: Double { Double(batch * length) / (medianMilliseconds / 1000) }

        public var json: String {
            JSONValue.object([
                ("engine", .string("flowlm")), ("preset", .string(preset)), ("batch", .number(String(batch))),
                ("length", .number(String(length))), ("threads", .number(String(threads))),
                ("strategy", .string(strategy)), ("repeats", .number(String(repeats))),
                ("median_ms", .number(String(format: "%.3f", medianMilliseconds))),
                ("min_ms", .number(String(format: "%.3f", minimumMilliseconds))),
                ("tokens_per_s", .number(String(format: "%.1f", tokensPerSecond))),
            ]).serialized
        }
    }

    public var preset: ModelPreset
    public var batch: Int
    public var length: Int
    public var policy: ComputePolicy
    public var warmups = 2
    public var repeats = 10

    public init(preset: ModelPreset, batch: Int, length: Int, policy: ComputePolicy, repeats: Int = 10) {
        self.preset = preset; self.batch = batch; self.length = length; self.policy = policy; self.repeats = repeats
    }

    public func run() throws -> Result {
        let config = preset.config
        let model = ModernBertModel.randomlyInitialized(config: config, seed: 1)
        var random = FlowRandom(seed: 2)
        let sequences = (0..<batch).map { _ in (0..<length).map { _ in TokenID(random.nextInt(below: config.vocabularySize)) } }
        let tokens = TokenBatch(sequences: sequences, padID: 0)
        let workspace = ForwardWorkspace(config: config)
        var times: [Double] = []
        for run in 0..<(warmups + repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            // Logits stay in the workspace, as in the sampler and the trainer (PyTorch returns its tensor uncopied too).
            _ = try model.forwardInPlace(tokens, workspace: workspace, policy: policy)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if run >= warmups { times.append(elapsed) }
        }
        times.sort()
        return Result(preset: preset.rawValue, batch: batch, length: length, threads: policy.threads,
                      strategy: policy.strategy.rawValue, repeats: repeats,
                      medianMilliseconds: times[times.count / 2], minimumMilliseconds: times[0])
    }
}

/// Large-SGEMM throughput through FlowKernels' `parallelGemm`, against the FMA peak.
public struct GemmBenchmark: Sendable {
    public let size: Int
    public let policy: ComputePolicy
    public let repeats: Int

    public init(size: Int, policy: ComputePolicy, repeats: Int = 5) {
        self.size = size; self.policy = policy; self.repeats = repeats
    }

    /// Median GFLOP/s.
    public func run() -> Double {
        let n = size
        var random = FlowRandom(seed: 3)
        let a = (0..<(n * n)).map { _ in random.nextFloat() }, b = (0..<(n * n)).map { _ in random.nextFloat() }
        var c = [Float](repeating: 0, count: n * n)
        policy.activate()
        var rates: [Double] = []
        c.withUnsafeMutableBufferPointer { out in
            for run in 0..<(repeats + 1) {
                let start = DispatchTime.now().uptimeNanoseconds
                parallelGemm(.normal, .normal, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: out.baseAddress!, ldc: n, policy: policy)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                if run > 0 { rates.append(2 * Double(n) * Double(n) * Double(n) / seconds / 1e9) }
            }
        }
        rates.sort()
        return rates[rates.count / 2]
    }
}
