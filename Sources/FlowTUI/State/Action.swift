/// What can happen to the app: a key, a timer tick, or a result the app layer posts back.
public enum Action: Sendable {
    case key(KeyPress)
    case command(Command)
    /// Autoplay timer fired.
    case tick
    /// A fresh canvas (frame 0) after `Effect.restart`.
    case started(lane: Lane, generation: Int, frame: StepFrame)
    /// A step computed for `Effect.step` (appended) or `Effect.replan` (replaces the viewed frame).
    case stepped(lane: Lane, generation: Int, frame: StepFrame, replanned: Bool, tokensPerSecond: Double?)
    case workFailed(lane: Lane?, message: String)
    case traceSaved(path: String)
    /// A replayed trace: its frames become one branch; `hasModel` stays as it was.
    case traceOpened(path: String, prompt: String, frames: [StepFrame])
    case modelOpened(name: String, maskToken: Int32, pieces: PieceLookup)
    case training(TrainingProgress)
    case resized(width: Int, height: Int)
}
