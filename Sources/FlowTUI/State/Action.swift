import FlowDiffusion

/// What can happen to the app: a key, a timer tick, or a result the app layer posts back.
public enum Action: Sendable {
    case key(KeyPress)
    case mouse(MouseEvent)
    case command(Command)
    /// Autoplay timer fired.
    case tick
    /// A fresh canvas (frame 0) after `Effect.restart`.
    case started(lane: Lane, generation: Int, frame: StepFrame)
    /// The damaged canvas (frame 0) after `Effect.restartRepair`, and the damage done to it.
    case repairStarted(generation: Int, frame: StepFrame, damage: DamagedText)
    /// A step computed for `Effect.step` (placed after `request.from`) or `Effect.replan` (replacing it),
    /// in the branch it was asked for, wherever the user has navigated since.
    case stepped(request: StepRequest, frame: StepFrame, replanned: Bool, tokensPerSecond: Double?)
    /// The sampler has nothing left to do after `request.from`.
    case finished(request: StepRequest)
    case workFailed(lane: Lane?, message: String)
    case traceSaved(path: String)
    /// A replayed trace: its frames become one branch; `hasModel` stays as it was. With a model, the frames
    /// carry the nodes the loop adopted them as, or `cannotContinue` says why the model could not take them.
    case traceOpened(path: String, prompt: String, frames: [StepFrame], cannotContinue: String? = nil)
    /// Where a re-plan's scores came from (kept statistics, cached logits, or a forward pass) and how long it took.
    case replanScored(lane: Lane, withoutForwardPass: Bool, source: String, milliseconds: Double)
    /// A trace replayed without a model: the name, mask id and pieces to show it with.
    case replaySourceOpened(name: String, maskToken: Int32, pieces: PieceLookup)
    case modelOpened(name: String, maskToken: Int32, pieces: PieceLookup)
    case training(TrainingProgress)
    case resized(width: Int, height: Int)
}
