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
    /// Synthetic tasks: palindromes and brackets only at the length `flowlm eval` uses (`--evaluated-length-only`).
    public var evaluatedLengthOnly = false
    /// A ModernBERT folder to fine-tune (`--init`): its weights, tokenizer and shape replace the preset's.
    public var initialModel: URL?
    public var substitutionPeak = 0.2
    public var substitutionFloor = 0.0
    /// Lowest noise level drawn (t_min).
    public var minimumNoise = 1e-3
    public var beta2 = 0.999
    /// The learning rate at the end of the decay, as a fraction of the peak.
    public var decayFloor = 0.1
    public var weightMasked: Float = 1
    public var weightSubstituted: Float = 1
    public var weightKept: Float = 1
    public var unigramSubstitutes = false
    /// Share of substitutions re-drawn from the model's own prediction (one more forward pass per step).
    public var modelSubstituteShare = 0.0
    /// The command line, recorded in the model card.
    public var command = ""
    /// Overrides of the preset's shape (quick experiments, and tests where a tiny model trains in milliseconds).
    public var shape = ModelShapeOverride()

    public init(data: String, output: URL) { self.data = data; self.output = output }

    /// The preset's config with the shape overrides applied (vocabulary and special ids come from the tokenizer).
    var modelConfig: ModernBertConfig {
        var config = preset.config
        if let hidden = shape.hiddenSize { config.hiddenSize = hidden }
        if let intermediate = shape.intermediateSize { config.intermediateSize = intermediate }
        if let heads = shape.headCount { config.headCount = heads }
        if let layers = shape.layerCount { config.layerKinds = ModernBertConfig.layerKinds(count: layers, globalEvery: 3) }
        return config
    }

    /// Memory a run of this shape needs, estimated before anything is allocated: four float arenas of the
    /// parameters (weights, gradients, two AdamW moments) and the activations the backward pass keeps (about
    /// 24 floats per token per hidden unit per layer, plus the logits and their gradient).
    var estimatedTrainingBytes: Double {
        var config = modelConfig
        config.vocabularySize = vocabularySize ?? config.vocabularySize
        return estimatedTrainingBytes(config: config)
    }

    func estimatedTrainingBytes(config: ModernBertConfig) -> Double {
        let parameters = Double(ParameterLayout(config: config).totalCount)
        let tokens = Double(batchSize) * Double(length)
        let perLayer = tokens * (24 * Double(config.hiddenSize) + 6 * Double(config.intermediateSize))
        let activations = perLayer * Double(config.layerCount) + 2 * tokens * Double(config.vocabularySize)
        return 4 * (4 * parameters + activations)
    }

    var corruptionKnobs: CorruptionKnobs {
        var knobs = CorruptionKnobs(objective: objective)
        knobs.substitutionPeak = substitutionPeak
        knobs.substitutionFloor = substitutionFloor
        knobs.minimumNoise = minimumNoise
        knobs.weightMasked = weightMasked
        knobs.weightSubstituted = weightSubstituted
        knobs.weightKept = weightKept
        knobs.modelSubstituteShare = modelSubstituteShare
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
        try check(beta2 > 0 && beta2 < 1, "--beta2 must be in (0, 1) (got \(beta2))")
        try check(decayFloor >= 0 && decayFloor <= 1, "--decay-floor must be in [0, 1] (got \(decayFloor))")
        do { try corruptionKnobs.validate() } catch { try check(false, "--min-noise, --p-sub, --sub-floor or --model-substitutes: \(error.message)") }
        try check(evaluateEvery > 0 && saveEvery > 0, "--eval-every and --save-every must be positive")
        try check(threads >= 1, "--threads must be at least 1")
        try check(preset.trainsHere, "the \(preset.rawValue) preset is too large to train here; use toy or small (or python/flowlm_train)")
        for (name, value) in [("--hidden", shape.hiddenSize), ("--intermediate", shape.intermediateSize),
                              ("--heads", shape.headCount), ("--layers", shape.layerCount)] {
            if let value { try check(value >= 1, "\(name) must be positive (got \(value))") }
        }
        if initialModel != nil {
            try check(shape == ModelShapeOverride() && tokenizer == nil && vocabularySize == nil,
                      "--init takes the shape and tokenizer of the model it starts from; drop --hidden, --intermediate, --heads, --layers, --tokenizer and --vocab-size")
            return  // the shape, context and memory checks run on the loaded config (checkFits)
        }
        if let problem = modelConfig.shapeProblem { try check(false, "model shape: \(problem)") }
        try checkFits(estimatedTrainingBytes, advice: "choose a smaller --hidden, --intermediate, --layers or --batch")
        try check(length <= preset.config.maxPositions, "--length \(length) exceeds the \(preset.rawValue) preset's context \(preset.config.maxPositions)")
    }

    /// The run fits in this machine's memory.
    func checkFits(_ needed: Double, advice: String) throws(TrainSetupError) {
        let available = Double(ProcessInfo.processInfo.physicalMemory)
        guard needed <= available else {
            throw TrainSetupError(String(format: "the model needs about %.1f GB to train (weights, gradients, AdamW moments and activations) "
                                         + "but this machine has %.1f GB; %@", needed / 1e9, available / 1e9, advice))
        }
    }
}

/// Shape fields that replace the preset's when set.
public struct ModelShapeOverride: Sendable, Equatable {
    public var hiddenSize: Int?
    public var intermediateSize: Int?
    public var headCount: Int?
    public var layerCount: Int?

    public init(hiddenSize: Int? = nil, intermediateSize: Int? = nil, headCount: Int? = nil, layerCount: Int? = nil) {
        self.hiddenSize = hiddenSize; self.intermediateSize = intermediateSize; self.headCount = headCount
        self.layerCount = layerCount
    }
}

public struct TrainSetupError: FlowLMError, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
