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

    func edit(_ step: inout StepDraft) -> Int { FlowLMSampler.edit(&step, as: .remask) }
}
