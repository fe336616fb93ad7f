import Foundation
import FlowCore
import FlowDiffusion
import FlowTUI

/// One headless run from a canvas to the end of the loop, with what `flowlm generate` reports.
public struct GenerationResult: Sendable {
    public var initialCanvas: Canvas
    public var steps: [RefinementStep]
    public var trace: Trace
    public var summary: RefinementSummary
    public var wallSeconds: Double
    /// The final canvas as text (prompt with holes filled, then the answer; no special tokens).
    public var text: String
    /// The generated positions only (holes and answer), as text.
    public var answer: String

    /// The final canvas without special tokens.
    public var ids: [TokenID] {
        summary.tokens.indices.filter { initialCanvas.roles[$0] != .special }.map { summary.tokens[$0] }
    }

    /// Frames as the TUI would show them: the start, then one per step.
    public var frames: [StepFrame] { trace.frames }

    /// The last frame (the starting canvas when no step ran).
    public var finalFrame: StepFrame {
        guard let last = trace.steps.last else { return StepFrame(initial: initialCanvas, knobs: trace.header.knobs) }
        return StepFrame(step: last.step, roles: initialCanvas.roles, knobs: last.knobs, nodeID: nil)
    }

    /// `{"text", "answer", "ids", "stats": {…}}` on one line, keys in a fixed order.
    public var json: String { jsonValue.serialized }

    var jsonValue: JSONValue {
        .object([("text", .string(text)), ("answer", .string(answer)), ("ids", .array(ids.map { .number(String($0)) })),
                 ("stats", statsJSON)])
    }

    var statsJSON: JSONValue {
        func int(_ n: Int) -> JSONValue { .number(String(n)) }
        return .object([
            ("forward_passes", int(summary.forwardPasses)), ("steps", int(summary.steps)),
            ("commits", int(summary.commits)), ("edits", int(summary.edits)), ("remasks", int(summary.remasks)),
            ("freezes", int(summary.freezes)), ("correction_steps", int(summary.correctionSteps)),
            ("finished", .bool(summary.finished)), ("mean_confidence", .number(String(format: "%.4f", summary.meanConfidence))),
            ("wall_seconds", .number(String(format: "%.3f", wallSeconds))),
        ])
    }
}

public enum Generation {
    /// `[CLS] prompt (holes as MASK) length × MASK [SEP]` from a prompt template (`[MASK]`, `{{N}}`).
    public static func canvas(prompt: String, knobs: SamplerKnobs, model: TextModel) throws -> Canvas {
        let pieces = try PromptTemplate.pieces(from: prompt, encode: model.encode)
        return try Canvas.generation(prompt: pieces, answerLength: knobs.answerLength,
                                     specialTokens: model.denoiser.specialTokens)
    }

    /// Refines `prompt` to the end of the loop. `onStep` sees each step's frame as soon as it is computed.
    /// Knobs are checked against the model's context first (e.g. a prompt longer than the context).
    public static func run(prompt: String, knobs: SamplerKnobs, model: TextModel,
                           onStep: (StepFrame) -> Void = { _ in }) throws -> GenerationResult {
        try run(canvas: canvas(prompt: prompt, knobs: knobs, model: model), knobs: knobs, model: model, onStep: onStep)
    }

    /// Refines an already built canvas (generation or repair) to the end of the loop.
    public static func run(canvas: Canvas, knobs: SamplerKnobs, model: TextModel,
                           onStep: (StepFrame) -> Void = { _ in }) throws -> GenerationResult {
        let refiner = try Refiner(denoiser: model.denoiser, canvas: canvas, knobs: knobs)
        let clock = ContinuousClock()
        let start = clock.now
        var steps: [RefinementStep] = []
        while let step = try refiner.step() {
            steps.append(step)
            onStep(StepFrame(step: step, roles: canvas.roles, knobs: refiner.knobs, nodeID: nil))
        }
        let elapsed = (clock.now - start).components
        let summary = RefinementSummary(steps: steps, initial: canvas)
        let generated = canvas.editablePositions.map { summary.tokens[$0] }
        return GenerationResult(initialCanvas: canvas, steps: steps, trace: refiner.trace(model: model.name), summary: summary,
                                wallSeconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18,
                                text: model.text(of: summary.tokens), answer: model.text(of: generated))
    }
}
