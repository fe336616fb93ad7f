import Foundation
import FlowCore

/// A loss that is not finite: training stops before the update, so the parameters (and the last
/// checkpoint) stay as they were.
public struct TrainingDiverged: FlowLMError, Equatable {
    public let step: Int
    public let loss: Double
    public let gradientNorm: Double
    public var description: String {
        "training diverged at step \(step): loss \(loss), gradient norm \(gradientNorm); parameters left at step \(step - 1)"
    }
}

/// What one optimiser step did.
public struct StepReport: Sendable {
    /// 1-based number of the step just taken.
    public var step: Int
    public var learningRate: Double
    public var metrics: KindMetrics
    /// Global norm before clipping.
    public var gradientNorm: Double
    public var tokens: Int
    public var seconds: Double
    /// Where the step's time went, summed over its micro-batches.
    public var phases = StepPhases()
}

/// Seconds per phase of one optimiser step (`flowlm bench train` prints them).
public struct StepPhases: Sendable, Equatable {
    public var forward = 0.0
    /// The weighted cross-entropy with d loss/d logits.
    public var loss = 0.0
    public var backward = 0.0
    /// Clipping and AdamW.
    public var optimizer = 0.0
    public init() {}
}

/// The training loop around a `TrainableModel`: micro-batches, weighted loss, backward, clipping,
/// learning-rate schedule, AdamW, and the state an exact resume needs. Driven one step at a time by
/// `flowlm train` and by the TUI's train screen.
public final class TrainingSession<Model: TrainableModel> {
    public let model: Model
    public let knobs: TrainingKnobs
    public private(set) var batcher: Batcher<AnyExampleSource>
    public let validationBatches: [Batch]
    public private(set) var optimizer: AdamW
    /// Optimiser steps completed.
    public private(set) var step: Int
    public private(set) var tokensSeen: Int
    /// The resume took its weights from the train state (format 2), not from the model file.
    public private(set) var savedWeights = false
    private var gradients: [Float]

    public init(model: Model, knobs: TrainingKnobs, batcher: Batcher<AnyExampleSource>, validationBatches: [Batch] = []) {
        precondition(knobs.accumulation >= 1 && batcher.batchSize == knobs.batchSize && batcher.length == knobs.length,
                     "TrainingSession: batcher and knobs disagree")
        self.model = model
        self.knobs = knobs
        self.batcher = batcher
        self.validationBatches = validationBatches
        self.optimizer = AdamW(parameterCount: model.parameterCount, config: knobs.optimizer,
                               decayRanges: WeightDecayRule.decayRanges(model.parameterSlices))
        self.step = 0
        self.tokensSeen = 0
        self.gradients = [Float](repeating: 0, count: model.parameterCount)
    }

    /// Continues from `train_state.*` in `directory`. A format-2 state carries its own weights and replaces the
    /// model's; with a format-1 state the model's weights must already be the ones saved with it. The saved
    /// settings must equal `knobs`.
    public convenience init(model: Model, knobs: TrainingKnobs, batcher: Batcher<AnyExampleSource>,
                            validationBatches: [Batch] = [], resumingFrom directory: URL) throws {
        self.init(model: model, knobs: knobs, batcher: batcher, validationBatches: validationBatches)
        let saved = try TrainStateStore.load(from: directory, decayRanges: self.optimizer.decayRanges)
        let (state, optimizer) = (saved.state, saved.optimizer)
        let path = directory.appendingPathComponent(saved.parameters == nil ? TrainState.jsonFileName : TrainState.tensorFileName).path
        if let field = state.knobs.firstDifference(from: knobs) {
            throw FileProblem(path, "the run was started with a different \(field); resume with the same settings")
        }
        guard state.parameterCount == model.parameterCount else {
            throw FileProblem(path, "the train state is for \(state.parameterCount) parameters, the model has \(model.parameterCount)")
        }
        try self.batcher.restore(state.batcher)
        if let parameters = saved.parameters {
            model.withParameters { arena in _ = arena.update(from: parameters) }
        }
        savedWeights = saved.parameters != nil
        self.optimizer = optimizer
        self.step = state.step
        self.tokensSeen = state.tokensSeen
    }

    /// One optimiser step over `accumulation` micro-batches. Throws `TrainingDiverged` (parameters
    /// untouched) when the loss or the gradient norm is not finite.
    public func trainStep() throws -> StepReport {
        let start = DispatchTime.now().uptimeNanoseconds
        var micro = (0..<knobs.accumulation).map { _ in batcher.nextBatch() }
        // Normalising every micro-batch by the step's total weight makes the summed gradients those of
        // one big batch (docs/DECISIONS.md, "Loss normalisation").
        let totalWeight = micro.reduce(0.0) { $0 + $1.scoredWeight }
        for i in gradients.indices { gradients[i] = 0 }
        var metrics = KindMetrics()
        var tokens = 0
        var phases = StepPhases()
        var mark = DispatchTime.now().uptimeNanoseconds
        func lap(_ phase: WritableKeyPath<StepPhases, Double>) {
            let now = DispatchTime.now().uptimeNanoseconds
            phases[keyPath: phase] += Double(now - mark) / 1e9
            mark = now
        }
        let corruptor = batcher.corruptor
        var drawRandom = ModelDrawnSubstitutes.random(seed: knobs.seed, step: step)
        for m in micro.indices {
            _ = try ModelDrawnSubstitutes.redraw(&micro[m], share: corruptor.knobs.modelSubstituteShare, model: model,
                                                 sampler: corruptor.substitutes, mask: corruptor.specials.mask,
                                                 using: &drawRandom)
        }
        for batch in micro {
            let logits = try model.forward(batch)
            lap(\.forward)
            let result = try WeightedCrossEntropy.compute(
                logits: UnsafeBufferPointer(logits), vocabularySize: model.vocabularySize, labels: batch.labels,
                weights: batch.weights, kinds: batch.kinds, excludedToken: batcher.corruptor.specials.mask,
                normalization: .fixed(totalWeight), gradient: logits, policy: model.computePolicy)
            metrics.add(result, labels: batch.labels, kinds: batch.kinds, weights: batch.weights)
            lap(\.loss)
            try gradients.withUnsafeMutableBufferPointer { g in
                try model.backward(batch, dlogits: UnsafeBufferPointer(logits), gradients: g)
            }
            lap(\.backward)
            tokens += batch.tokenCount
        }
        let norm = knobs.clipNorm.map { GradientClipping.clip(&gradients, maxNorm: $0) } ?? GradientClipping.globalNorm(gradients)
        let loss = metrics.objectiveLoss ?? 0
        guard loss.isFinite, norm.isFinite else { throw TrainingDiverged(step: step + 1, loss: loss, gradientNorm: norm) }
        let learningRate = knobs.schedule.learningRate(atStep: step)
        model.withParameters { p in
            gradients.withUnsafeBufferPointer { g in
                optimizer.update(parameters: p, gradients: g, learningRate: learningRate, policy: model.computePolicy)
            }
        }
        lap(\.optimizer)
        step += 1
        tokensSeen += tokens
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return StepReport(step: step, learningRate: learningRate, metrics: metrics, gradientNorm: norm, tokens: tokens,
                          seconds: seconds, phases: phases)
    }

    /// Loss and accuracy by kind over the fixed validation batches (forward only).
    public func evaluate() throws -> KindMetrics {
        var metrics = KindMetrics()
        for batch in validationBatches {
            let logits = try model.forward(batch)
            let result = try WeightedCrossEntropy.compute(
                logits: UnsafeBufferPointer(logits), vocabularySize: model.vocabularySize, labels: batch.labels,
                weights: batch.weights, kinds: batch.kinds, excludedToken: batcher.corruptor.specials.mask,
                policy: model.computePolicy)
            metrics.add(result, labels: batch.labels, kinds: batch.kinds, weights: batch.weights)
        }
        return metrics
    }

    /// Everything besides the weights that an exact resume needs.
    public var state: TrainState {
        TrainState(step: step, tokensSeen: tokensSeen, knobs: knobs, batcher: batcher.state, parameterCount: model.parameterCount)
    }

    /// Writes `train_state.safetensors` and `train_state.json` into `directory` (the caller writes the weights).
    public func saveState(to directory: URL) throws {
        let parameters = model.withParameters { Array($0) }
        try TrainStateStore.save(state, optimizer: optimizer, parameters: parameters, to: directory)
    }
}

extension Batch {
    /// Σ of the weights over scored positions (the loss denominator of this batch).
    public var scoredWeight: Double {
        var sum = 0.0
        for i in weights.indices where kinds[i] != .ignored { sum += Double(weights[i]) }
        return sum
    }
}

extension TrainingKnobs {
    /// The name of the first setting that differs, nil when all are equal.
    public func firstDifference(from other: TrainingKnobs) -> String? {
        if corruption != other.corruption { return "objective or corruption knobs" }
        if schedule != other.schedule { return "learning-rate schedule" }
        if optimizer != other.optimizer { return "optimizer setting" }
        if batchSize != other.batchSize { return "batch size" }
        if length != other.length { return "sequence length" }
        if accumulation != other.accumulation { return "gradient accumulation" }
        if clipNorm != other.clipNorm { return "clip norm" }
        if seed != other.seed { return "seed" }
        return nil
    }
}

extension TrainingLogRecord {
    public init(_ report: StepReport, validation: KindMetrics? = nil, tokensSeen: Int, elapsedSeconds: Double) {
        self.init(step: report.step, learningRate: report.learningRate, train: report.metrics, validation: validation,
                  gradientNorm: report.gradientNorm, tokensPerSecond: report.seconds > 0 ? Double(report.tokens) / report.seconds : 0,
                  tokensSeen: tokensSeen, elapsedSeconds: elapsedSeconds)
    }
}
