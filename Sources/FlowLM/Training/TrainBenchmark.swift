import Foundation
import FlowCore
import FlowKernels
import FlowModel
import FlowTrain

/// Times one full training step of a preset with random weights on synthetic ids: forward, weighted
/// cross-entropy, backward, clipping and AdamW. Warm-up steps, then the median of repeats; peak RSS from
/// getrusage. Output matches Tools/peer_torch_train.py's JSON so Tools/bench_train.sh can compare them.
public struct TrainBenchmark: Sendable {
    public struct Result: Sendable {
        public let preset: String
        public let batch: Int
        public let length: Int
        public let threads: Int
        public let repeats: Int
        public let medianMilliseconds: Double
        public let minimumMilliseconds: Double
        public let peakRSSMegabytes: Double
        /// Median milliseconds of each phase of the step: forward, loss (with d loss/d logits), backward,
        /// clipping + AdamW; they show where a step's time goes.
        public let phaseMilliseconds: [(name: String, milliseconds: Double)]
        public var tokensPerSecond: Double { Double(batch * length) / (medianMilliseconds / 1000) }

        public var json: String {
            JSONValue.object([
                ("engine", .string("flowlm")), ("preset", .string(preset)), ("batch", .number(String(batch))),
                ("length", .number(String(length))), ("threads", .number(String(threads))),
                ("repeats", .number(String(repeats))),
                ("median_ms", .number(String(format: "%.3f", medianMilliseconds))),
                ("min_ms", .number(String(format: "%.3f", minimumMilliseconds))),
                ("tokens_per_s", .number(String(format: "%.1f", tokensPerSecond))),
                ("peak_rss_mb", .number(String(format: "%.1f", peakRSSMegabytes))),
            ] + phaseMilliseconds.map { ("\($0.name)_ms", .number(String(format: "%.3f", $0.milliseconds))) }).serialized
        }
    }

    public var preset: ModelPreset
    public var batch: Int
    public var length: Int
    public var policy: ComputePolicy
    public var warmups = 2
    public var repeats = 5

    public init(preset: ModelPreset, batch: Int, length: Int, policy: ComputePolicy, repeats: Int = 5) {
        self.preset = preset; self.batch = batch; self.length = length; self.policy = policy; self.repeats = repeats
    }

    public func run() throws -> Result {
        var config = preset.config
        config.maxPositions = max(config.maxPositions, length)
        let model = TrainableModernBert(model: ModernBertModel.randomlyInitialized(config: config, seed: 1), policy: policy)
        let specials = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)
        let corruptor = try Corruptor(knobs: CorruptionKnobs(objective: .flowlm), specials: specials,
                                      vocabularySize: config.vocabularySize)
        var random = FlowRandom(seed: 2)
        let rows = (0..<batch).map { _ in
            let ids = [specials.cls] + (0..<(length - 2)).map { _ in TokenID(5 + random.nextInt(below: config.vocabularySize - 5)) } + [specials.sep]
            return corruptor.corrupt(ids, editable: ids.indices.map { $0 > 0 && $0 < length - 1 }, using: &random)
        }
        let tokenBatch = Batch(rows: rows, length: length, pad: specials.pad)
        var optimizer = AdamW(parameterCount: model.parameterCount, config: AdamWConfig(weightDecay: 0.01),
                              decayRanges: WeightDecayRule.decayRanges(model.parameterSlices))
        var gradients = [Float](repeating: 0, count: model.parameterCount)
        var times: [Double] = []
        var phases = [[Double]](repeating: [], count: 4)
        for run in 0..<(warmups + repeats) {
            var marks = [DispatchTime.now().uptimeNanoseconds]
            for i in gradients.indices { gradients[i] = 0 }
            let logits = try model.forward(tokenBatch)
            marks.append(DispatchTime.now().uptimeNanoseconds)
            _ = try WeightedCrossEntropy.compute(
                logits: UnsafeBufferPointer(logits), vocabularySize: config.vocabularySize, labels: tokenBatch.labels,
                weights: tokenBatch.weights, kinds: tokenBatch.kinds, excludedToken: specials.mask, gradient: logits,
                policy: policy)
            marks.append(DispatchTime.now().uptimeNanoseconds)
            try gradients.withUnsafeMutableBufferPointer { g in
                try model.backward(tokenBatch, dlogits: UnsafeBufferPointer(logits), gradients: g)
            }
            marks.append(DispatchTime.now().uptimeNanoseconds)
            _ = GradientClipping.clip(&gradients, maxNorm: 1.0)
            model.withParameters { p in
                gradients.withUnsafeBufferPointer { g in optimizer.update(parameters: p, gradients: g, learningRate: 1e-4, policy: policy) }
            }
            marks.append(DispatchTime.now().uptimeNanoseconds)
            guard run >= warmups else { continue }
            times.append(Double(marks[4] - marks[0]) / 1e6)
            for k in 0..<4 { phases[k].append(Double(marks[k + 1] - marks[k]) / 1e6) }
        }
        times.sort()
        let phaseNames = ["forward", "loss", "backward", "optimizer"]
        return Result(preset: preset.rawValue, batch: batch, length: length, threads: policy.threads, repeats: repeats,
                      medianMilliseconds: times[times.count / 2], minimumMilliseconds: times[0],
                      peakRSSMegabytes: Self.peakRSSMegabytes(),
                      phaseMilliseconds: zip(phaseNames, phases).map { ($0, $1.sorted()[$1.count / 2]) })
    }

    /// ru_maxrss is in kilobytes on Linux.
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
