import FlowCore

/// Every user-facing failure of the refinement loop, as one line (see `FlowLMError`).
public enum DiffusionError: FlowLMError, Equatable {
    /// A knob out of range; the text names the knob and the allowed range.
    case invalidKnob(String)
    /// A canvas that cannot be refined (too long for the model, no editable position, bad position...).
    case invalidCanvas(String)
    /// A prompt template that cannot be parsed (e.g. `{{0}}`).
    case invalidPrompt(String)
    /// The denoiser returned something unusable (wrong shape, non-finite scores).
    case denoiser(String)
    /// A trace file problem, with the 1-based line number it was found on (0: the file as a whole).
    case trace(path: String, line: Int, problem: String)
    /// Damage parameters that cannot be applied.
    case invalidDamage(String)

    public var description: String {
        switch self {
        case let .invalidKnob(text): text
        case let .invalidCanvas(text): "canvas: \(text)"
        case let .invalidPrompt(text): "prompt: \(text)"
        case let .denoiser(text): "denoiser: \(text)"
        case let .trace(path, line, problem): line > 0 ? "\(path):\(line): \(problem)" : "\(path): \(problem)"
        case let .invalidDamage(text): "damage: \(text)"
        }
    }
}
