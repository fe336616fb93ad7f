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

    /// Drives a real `TrainingSession` (the step `flowlm train` takes) over `batch` random-id rows with the
    /// flowlm objective's corruption; its phase timings say where the time goes.
    public func run() throws -> Result {
        var config = preset.config
        config.maxPositions = max(config.maxPositions, length)
        let model = TrainableModernBert(model: ModernBertModel.randomlyInitialized(config: config, seed: 1), policy: policy)
        let specials = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)
        let corruption = CorruptionKnobs(objective: .flowlm)
        let corruptor = try Corruptor(knobs: corruption, specials: specials, vocabularySize: config.vocabularySize)
        var random = FlowRandom(seed: 2)
        let examples = (0..<batch).map { _ in
            let ids = [specials.cls] + (0..<(length - 2)).map { _ in TokenID(5 + random.nextInt(below: config.vocabularySize - 5)) } + [specials.sep]
            return TrainingExample(ids: ids, editable: ids.indices.map { $0 > 0 && $0 < length - 1 })
        }
        let source = AnyExampleSource(try ShuffledExamples(examples: examples, seed: 3))
        let knobs = TrainingKnobs(corruption: corruption,
                                  schedule: LearningRateSchedule(peak: 1e-4, warmupSteps: 0, totalSteps: warmups + repeats, decay: .constant),
                                  batchSize: batch, length: length, clipNorm: 1.0, seed: 4)
        let session = TrainingSession(model: model, knobs: knobs,
                                      batcher: Batcher(source: source, corruptor: corruptor, batchSize: batch, length: length, seed: 5))
        var reports: [StepReport] = []
        for run in 0..<(warmups + repeats) {
            let report = try session.trainStep()
            if run >= warmups { reports.append(report) }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] * 1000 }
        let phases: [(String, KeyPath<StepPhases, Double>)] = [("forward", \.forward), ("loss", \.loss), ("backward", \.backward),
                                                               ("optimizer", \.optimizer)]
        return Result(preset: preset.rawValue, batch: batch, length: length, threads: policy.threads, repeats: repeats,
                      medianMilliseconds: median(reports.map(\.seconds)),
                      minimumMilliseconds: (reports.map(\.seconds).min() ?? 0) * 1000,
                      peakRSSMegabytes: Self.peakRSSMegabytes(),
                      phaseMilliseconds: phases.map { name, path in (name, median(reports.map { $0.phases[keyPath: path] })) })
    }

    /// ru_maxrss is in kilobytes on Linux.
    static func peakRSSMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
