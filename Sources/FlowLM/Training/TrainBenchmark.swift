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
        public let times: BenchmarkTimes
        public let peakRSSMegabytes: Double
        /// Median milliseconds of each phase of the step: forward, loss (with d loss/d logits), backward,
        /// clipping + AdamW; they show where a step's time goes.
        public let phaseMilliseconds: [(name: String, milliseconds: Double)]
        public var medianMilliseconds: Double { times.medianMilliseconds }
        public var tokensPerSecond: Double { times.tokensPerSecond }

        public var json: String {
            JSONValue.object(times.jsonFields + [("peak_rss_mb", .number(String(format: "%.1f", peakRSSMegabytes)))]
                + phaseMilliseconds.map { ("\($0.name)_ms", .number(String(format: "%.3f", $0.milliseconds))) }).serialized
        }
    }

    public var shape: BenchmarkShape

    public init(preset: ModelPreset, batch: Int, length: Int, policy: ComputePolicy, repeats: Int = 5) {
        shape = BenchmarkShape(preset: preset, batch: batch, length: length, policy: policy, repeats: repeats)
    }

    /// Drives a real `TrainingSession` (the step `flowlm train` takes) over `batch` random-id rows with the
    /// flowlm objective's corruption; its phase timings say where the time goes.
    public func run() throws -> Result {
        let (batch, length) = (shape.batch, shape.length)
        var config = shape.preset.config
        config.maxPositions = max(config.maxPositions, length)
        let model = TrainableModernBert(model: ModernBertModel.randomlyInitialized(config: config, seed: 1), policy: shape.policy)
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
                                  schedule: LearningRateSchedule(peak: 1e-4, warmupSteps: 0, totalSteps: shape.warmups + shape.repeats, decay: .constant),
                                  batchSize: batch, length: length, clipNorm: 1.0, seed: 4)
        let session = TrainingSession(model: model, knobs: knobs,
                                      batcher: Batcher(source: source, corruptor: corruptor, batchSize: batch, length: length, seed: 5))
        var reports: [StepReport] = []
        for run in 0..<(shape.warmups + shape.repeats) {
            let report = try session.trainStep()
            if run >= shape.warmups { reports.append(report) }
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] * 1000 }
        let phases: [(String, KeyPath<StepPhases, Double>)] = [("forward", \.forward), ("loss", \.loss), ("backward", \.backward),
                                                               ("optimizer", \.optimizer)]
        return Result(times: BenchmarkTimes(shape: shape, milliseconds: reports.map { $0.seconds * 1000 }),
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
