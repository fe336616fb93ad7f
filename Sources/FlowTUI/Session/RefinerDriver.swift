import FlowCore
import FlowDiffusion

/// Performs the visualizer's step and re-plan requests on a FlowDiffusion `Refiner` and turns the
/// results into frames. Synchronous and UI-free: the app runs it on its worker thread, tests call it
/// directly with a scripted denoiser. Not thread-safe; one driver per lane, used from one thread.
public final class RefinerDriver {
    public let refiner: Refiner
    private let roles: [PositionRole]

    public init(refiner: Refiner) {
        self.refiner = refiner
        roles = refiner.initialCanvas.roles
    }

    /// Builds the canvas for a prompt typed by the user (text with `[MASK]` / `{{N}}` holes) and
    /// starts a refiner on it. `encode` turns literal text into token ids (the tokenizer, injected).
    public static func start(prompt: String, knobs: SamplerKnobs, denoiser: any Denoiser,
                             encode: (String) throws -> [TokenID]) throws -> RefinerDriver {
        var pieces: [PromptPiece] = []
        for segment in try PromptTemplate.parse(prompt) {
            switch segment {
            case let .text(text): pieces.append(.tokens(try encode(text)))
            case let .holes(count): pieces.append(.holes(count))
            }
        }
        let canvas = try Canvas.generation(prompt: pieces, answerLength: knobs.answerLength,
                                           specialTokens: denoiser.specialTokens)
        return RefinerDriver(refiner: try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs))
    }

    /// Frame 0: the starting canvas.
    public func initialFrame(knobs: SamplerKnobs) -> StepFrame {
        StepFrame(initial: refiner.initialCanvas, knobs: knobs)
    }

    /// One step from `request.from` (the Refiner node it shows, with the request's pins), or, when the
    /// request carries a forced token, the Refiner's record of it. nil when the loop has nothing left to do.
    public func step(_ request: StepRequest) throws -> StepFrame? {
        try refiner.select(node: request.from.nodeID)
        try applyPins(request.pinned)
        try refiner.setKnobs(request.knobs)
        if let choice = request.force {
            let change = try refiner.force(choice)
            return StepFrame(force: change, over: request.from, knobs: request.knobs, nodeID: refiner.cursor)
        }
        guard let step = try refiner.step() else { return nil }
        return StepFrame(step: step, roles: roles, knobs: request.knobs, nodeID: refiner.cursor)
    }

    /// Re-plans the step shown by `request.from` with new knobs, from the logits of the canvas before it.
    public func replan(_ request: StepRequest) throws -> StepFrame? {
        guard request.from.nodeID != nil else { return nil }
        try refiner.select(node: request.from.nodeID)
        guard let step = try refiner.replan(knobs: request.knobs) else { return nil }
        return StepFrame(step: step, roles: roles, knobs: request.knobs, nodeID: refiner.cursor)
    }

    /// Pins are the UI's, not history: set where they differ from the node (so an unchanged node still
    /// re-visits a recorded step instead of recomputing it). Forced tokens not yet stepped stay pinned.
    private func applyPins(_ pinned: Set<Int>) throws {
        let forced = Set(refiner.pendingForces.map(\.position))
        let pins = refiner.canvas.pinned
        for position in refiner.canvas.editablePositions {
            let wanted = pinned.contains(position) || forced.contains(position)
            if pins[position] != wanted { try refiner.setPinned(wanted, at: position) }
        }
    }
}
