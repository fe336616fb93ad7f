/// FlowLM whose accepted edits mask the position instead of replacing its token, so the next commits
/// re-decide it with its neighbours in view (ReMDM-style). The trace names it `flowlm` with `edit_mode: remask`.
struct RemaskSampler: Sampler {
    var name: String { "remask" }
    var summary: String { "FlowLM's edits remask" }
    var kind: SamplerKind { .flowlm }
    var editMode: EditMode? { .remask }
    var knobKeys: [String] { FlowLMSampler.knobKeys }

    func hasCorrectionPhase(under knobs: SamplerKnobs) -> Bool { FlowLMSampler().hasCorrectionPhase(under: knobs) }

    func unmask(_ step: inout StepDraft) { FlowLMSampler().unmask(&step) }

    /// No remask at or after a block's last scheduled step: the deadline commits every mask in scope, and a remask
    /// there would put one back for the next step's deadline to commit, forever (a remask never places the
    /// alternative, so cycle detection cannot catch it). Such positions wait for the correction phase, whose
    /// budget bounds it.
    func edit(_ step: inout StepDraft) -> Int {
        guard !step.isBlockDeadline else { return 0 }
        return FlowLMSampler.edit(&step, as: .remask)
    }
}
