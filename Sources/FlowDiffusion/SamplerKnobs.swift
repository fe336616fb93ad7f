/// How many masked positions to commit per step.
public enum UnmaskSchedule: String, Sendable, Hashable, Codable, CaseIterable {
    /// LLaDA: the block's masks spread evenly over its steps, the remainder on the first steps.
    case linear
    /// MaskGIT: remaining masks follow cos(π/2 · t); few commits early, many late.
    case cosine
    /// Every masked candidate with confidence ≥ tau_unmask (at least one); the block's last step commits all.
    case threshold
}

/// How sure the model is of a token. Higher always means more confident, every value lies in [-1, 1].
public enum ConfidenceMeasure: String, Sendable, Hashable, Codable, CaseIterable {
    /// p(token).
    case probability
    /// p(token) − p(best other token); negative for a visible token the model would replace.
    case margin
    /// exp(−H(p)), a monotone map of −H into (0, 1] ("effective probability"; 1/V when uniform).
    case negativeEntropy = "entropy"
}

/// Which token a masked position proposes.
public enum ProposalKind: String, Sendable, Hashable, Codable, CaseIterable {
    case argmax, sample
}

/// What an accepted edit does: put the alternative in, or mask the position for a later commit. With
/// `sampler` it chooses the sampler (`Samplers.selected(by:)`): flowlm + remask is the remask sampler.
public enum EditMode: String, Sendable, Hashable, Codable, CaseIterable {
    case replace, remask
}

/// Every sampler setting a user can tweak live. `validate(contextLength:)` gives one-line errors.
public struct SamplerKnobs: Sendable, Hashable, Codable {
    /// With `editMode`, chooses the sampler (`Samplers.selected(by:)`).
    public var sampler: SamplerKind = .flowlm
    /// K: forward passes for the unmask phase (split evenly across blocks).
    public var steps: Int = 32
    /// L: generated answer length (used by whoever builds the canvas).
    public var answerLength: Int = 48
    /// Semi-autoregressive block length over the editable positions; 0 = one block.
    public var blockLength: Int = 0
    public var schedule: UnmaskSchedule = .linear
    public var confidence: ConfidenceMeasure = .probability
    public var proposal: ProposalKind = .argmax
    public var temperature: Double = 1
    public var tauUnmask: Double = 0.9
    public var tauEdit: Double = 0.5
    public var delta: Double = 0.1
    /// E: most edits applied per step.
    public var maxEditsPerStep: Int = 4
    /// phi: edits start once this fraction of the editable positions is visible.
    public var editGate: Double = 0.5
    public var editMode: EditMode = .replace
    /// Steps a position stays uneditable after it changed (0: editable at the next step).
    public var cooldown: Int = 1
    /// A position returning to a value it held within this many steps is frozen; 0 = off.
    public var cycleWindow: Int = 6
    /// Budget of edit-only steps after the last mask is filled.
    public var correctionSteps: Int = 8
    public var seed: UInt64 = 0
    /// Candidates per position kept for display (the loop itself needs two).
    public var topK: Int = 5

    public init() {}

    /// LLaDA-equivalent settings: mask-only, no edits, no correction phase.
    public static var llada: SamplerKnobs { var k = SamplerKnobs(); k.sampler = .llada; return k }

    public static let maximumTopK = 32
    public static let maximumTemperature = 100.0

    /// Checks each knob's range (`descriptors`) and the length against the model's context. `canvasLength`,
    /// when known, is the whole canvas (prompt + answer + special tokens).
    public func validate(contextLength: Int, canvasLength: Int? = nil) throws(DiffusionError) {
        if let problem = rangeProblem() { throw .invalidKnob(problem) }
        guard answerLength <= contextLength else {
            throw .invalidKnob("length \(answerLength) exceeds the model's context \(contextLength)")
        }
        if let canvasLength, canvasLength > contextLength {
            throw .invalidKnob("prompt and length \(answerLength) make \(canvasLength) tokens, beyond the model's context \(contextLength)")
        }
    }
}
