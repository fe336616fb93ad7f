import Foundation
import FlowCore
import FlowDiffusion
import FlowKernels
import FlowModel
import FlowTokenizer
import FlowTrain

/// The sample the train screen refines with the current weights: a fixed prompt from the run's own data
/// (a task instance, or the start of the first validation window), so successive samples are comparable.
public struct SampleSetup: Sendable {
    public var prompt: [TokenID]
    public var answerLength: Int
    public var decode: @Sendable ([TokenID]) -> String
    /// The task's exact checker on a decoded answer (synthetic tasks only).
    public var isCorrect: (@Sendable (String) -> Bool)?

    init(data: TrainingData, options: TrainOptions, tokenizer: Tokenizer?, specials: SpecialTokens) {
        if case let .synthetic(name) = data.source {
            let task = name.makeTask()
            var rng = FlowRandom(seed: options.seed &+ 0x5A3D)
            let instance = task.sample(using: &rng)
            let vocabulary = task.vocabulary
            let promptIDs = vocabulary.encode(instance.prompt)
            prompt = promptIDs.isEmpty ? [] : promptIDs + [specials.sep]
            answerLength = max(1, vocabulary.encode(instance.answer).count)
            decode = { vocabulary.decode($0) }
            isCorrect = { task.isCorrect(prompt: instance.prompt, answer: $0) }
        } else {
            let window = data.validation.first ?? data.train.first
            let ids = window.map { Array($0.ids.dropFirst().prefix(8)) } ?? []
            prompt = ids.filter { !specials.isReserved($0) }
            answerLength = max(1, min(24, options.length - prompt.count - 2))
            decode = { ids in tokenizer?.decode(ids) ?? ids.map(String.init).joined(separator: " ") }
            isCorrect = nil
        }
    }

    /// Refines the prompt to the end with `model`'s weights (single-threaded: it runs between training steps).
    public func refine(model: ModernBertModel, specials: SpecialTokens, seed: UInt64) throws -> String {
        let denoiser = EngineDenoiser(model: model, specialTokens: specials, policy: ComputePolicy(threads: 1))
        var knobs = SamplerKnobs()
        knobs.answerLength = answerLength
        knobs.steps = max(1, min(answerLength, 16))
        knobs.seed = seed
        let canvas = try Canvas.generation(prompt: prompt.isEmpty ? [] : [.tokens(prompt)], answerLength: answerLength,
                                           specialTokens: specials)
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs)
        _ = try refiner.run(maxSteps: 4 * knobs.steps + knobs.correctionSteps + 8)
        let tokens = refiner.canvas.tokens
        let answer = refiner.canvas.editablePositions.map { tokens[$0] }
        let shownPrompt = decode(prompt.filter { !specials.isReserved($0) })
        let text = decode(answer)
        let verdict = isCorrect.map { $0(text) ? "  ✓" : "  ✗" } ?? ""
        return (shownPrompt.isEmpty ? text : "\(shownPrompt) → \(text)") + verdict
    }
}
