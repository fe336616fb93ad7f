/// A sampler: the rules that turn one forward pass into one step. Each sampler is one type, listed once in
/// `Samplers.registered`; the loop (`StepPlanner`), the trace, the CLI and the TUI find it there.
///
/// What a sampler decides lives here; how a decision is carried out (proposals, schedule quotas, confidence
/// measures, cooldown, cycle freezes, recording changes) is shared, in `StepDraft`, so every sampler
/// schedules, measures and records alike. `StepDraft` is opaque outside FlowDiffusion, so samplers are
/// written here, beside the mechanics they use.
public protocol Sampler: Sendable {
    /// Its name in the registry and the TUI (the `m` key, the status line, the A/B view). Unique.
    var name: String { get }
    /// What it does, in a few words (help texts).
    var summary: String { get }
    /// The trace's `sampler` value for it.
    var kind: SamplerKind { get }
    /// The `edit_mode` it needs, for samplers that share a `kind`; nil when the edit mode does not select it.
    var editMode: EditMode? { get }
    /// Trace keys of the knobs its plans and phase rules read; changing any other knob (apart from the
    /// two that select it) leaves its steps unchanged.
    var knobKeys: [String] { get }
    /// Phase rule: whether edit-only correction steps may follow the unmask phase under `knobs`. The loop is
    /// done once no mask is left and this is false, or correction is content or out of budget.
    func hasCorrectionPhase(under knobs: SamplerKnobs) -> Bool
    /// The unmask plan: which masked positions to commit this step, and to what.
    func unmask(_ step: inout StepDraft)
    /// The edit plan: which visible tokens to change this step. Returns the changes applied (freezes do not
    /// count): a correction step that applies none ends the run.
    func edit(_ step: inout StepDraft) -> Int
}

extension Sampler {
    /// Most samplers own their kind alone.
    public var editMode: EditMode? { nil }

    /// Whether the knobs choose this sampler (their `sampler` and, where it matters, `edit_mode`).
    public func isSelected(by knobs: SamplerKnobs) -> Bool {
        knobs.sampler == kind && (editMode == nil || knobs.editMode == editMode)
    }

    /// Sets the knobs that choose this sampler; an edit mode it does not need is left as it was.
    public func select(in knobs: inout SamplerKnobs) {
        knobs.sampler = kind
        if let editMode { knobs.editMode = editMode }
    }
}
