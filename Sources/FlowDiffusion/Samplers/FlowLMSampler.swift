extension SamplerKind {
    public static let flowlm = SamplerKind(declaring: "flowlm")
}

/// FlowLM: LLaDA's commits, plus edits of visible tokens the model would rather replace, and edit-only
/// correction steps once no mask is left.
struct FlowLMSampler: Sampler {
    var name: String { "flowlm" }
    var summary: String { "any-position edits" }
    var kind: SamplerKind { .flowlm }
    var editMode: EditMode? { .replace }
    var knobKeys: [String] { Self.knobKeys }

    static let knobKeys = LLaDASampler.commitKnobKeys
        + ["tau_edit", "delta", "max_edits", "phi", "cooldown", "cycle_window", "correction_steps"]

    func hasCorrectionPhase(under knobs: SamplerKnobs) -> Bool { knobs.maxEditsPerStep > 0 }

    func unmask(_ step: inout StepDraft) { LLaDASampler().unmask(&step) }

    func edit(_ step: inout StepDraft) -> Int { Self.edit(&step, as: .replace) }

    /// The edit plan, with accepted edits replacing the token or remasking it (`RemaskSampler`).
    static func edit(_ step: inout StepDraft, as mode: EditMode) -> Int {
        let knobs = step.knobs
        return step.apply(candidates(step), as: mode) { c in
            "p(alt)=\(twoDecimals(c.pAlt)) ≥ tau_edit \(twoDecimals(knobs.tauEdit)), gain \(twoDecimals(c.pAlt - c.pCurrent)) ≥ delta \(twoDecimals(knobs.delta))"
        }
    }

    /// Visible tokens whose best alternative has p(alt) ≥ tau_edit and p(alt) − p(current) ≥ delta, largest gain
    /// first (ties to the lower position). None until phi of the editable positions is visible, and none once
    /// the correction budget is spent.
    static func candidates(_ step: StepDraft) -> [EditCandidate] {
        let knobs = step.knobs
        guard knobs.maxEditsPerStep > 0 else { return [] }
        switch step.phase {
        case .unmask: guard Canvas.visibleFraction(of: step.before, in: step.state.canvas) >= knobs.editGate else { return [] }
        case .correction: guard step.state.correctionStepsTaken < knobs.correctionSteps else { return [] }
        case .done: return []
        }
        var candidates: [EditCandidate] = []
        let tau = Float(knobs.tauEdit), delta = Float(knobs.delta), stats = step.stats
        for p in step.state.canvas.editablePositions where step.mayEdit(p) {
            let current = step.before[p]
            let pCurrent = step.probability(p, current)
            let (alt, pAlt) = stats.bestOther(row: p, than: current)
            guard alt >= 0, pAlt >= tau, pAlt - pCurrent >= delta else { continue }
            candidates.append(EditCandidate(position: p, alt: alt, pCurrent: pCurrent, pAlt: pAlt))
        }
        candidates.sort {
            let a = $0.pAlt - $0.pCurrent, b = $1.pAlt - $1.pCurrent
            return a != b ? a > b : $0.position < $1.position
        }
        return candidates
    }
}
