import Foundation
import FlowCore
import FlowModel
import FlowTrain

/// Everything `flowlm train` (and the TUI's train screen) can set. Defaults are the shipped toy recipe.
public struct TrainOptions: Sendable {
    public var data: String
    public var output: URL
    public var objective: Objective = .flowlm
    public var preset: ModelPreset = .toy
    public var steps = 2000
    public var batchSize = 16
    public var length = 128
    public var learningRate = 1e-3
    public var warmupSteps = 100
    public var decay: LearningRateSchedule.Decay = .cosine
    public var weightDecay = 0.01
    public var accumulation = 1
    public var clipNorm: Double? = 1.0
    public var seed: UInt64 = 0
    public var resume = false
    public var evaluateEvery = 100
    public var saveEvery = 250
    public var dtype: DType = .f32
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Target size of a BPE tokenizer trained on the corpus (default: the preset's vocabulary).
    public var vocabularySize: Int?
    /// An existing tokenizer.json to use instead of training one.
    public var tokenizer: URL?
    public var substitutionPeak = 0.2
    public var weightMasked: Float = 1
    public var weightSubstituted: Float = 1
    public var weightKept: Float = 1
    public var unigramSubstitutes = false
    /// The command line, recorded in the model card.
    public var command = ""

    public init(data: String, output: URL) { self.data = data; self.output = output }

    var corruptionKnobs: CorruptionKnobs {
        var knobs = CorruptionKnobs(objective: objective)
        knobs.substitutionPeak = substitutionPeak
        knobs.weightMasked = weightMasked
        knobs.weightSubstituted = weightSubstituted
        knobs.weightKept = weightKept
        return knobs
    }

    func validate() throws(TrainSetupError) {
        func check(_ ok: Bool, _ message: String) throws(TrainSetupError) { if !ok { throw TrainSetupError(message) } }
        try check(steps > 0, "--steps must be positive (got \(steps))")
        try check(batchSize > 0, "--batch must be positive (got \(batchSize))")
        try check(length >= 4, "--length must be at least 4 (got \(length))")
        try check(learningRate > 0 && learningRate.isFinite, "--lr must be a positive number (got \(learningRate))")
        try check(warmupSteps >= 0, "--warmup must not be negative")
        try check(accumulation >= 1, "--accumulation must be at least 1")
        try check(evaluateEvery > 0 && saveEvery > 0, "--eval-every and --save-every must be positive")
        try check(threads >= 1, "--threads must be at least 1")
        try check(length <= preset.config.maxPositions, "--length \(length) exceeds the \(preset.rawValue) preset's context \(preset.config.maxPositions)")
    }
}

public struct TrainSetupError: FlowLMError, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
