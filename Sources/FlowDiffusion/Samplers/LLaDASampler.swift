extension SamplerKind {
    public static let llada = SamplerKind(declaring: "llada")
}

/// LLaDA's low-confidence remasking: each step proposes every mask in scope, commits the ones the schedule
/// allows, most confident first, and keeps them; visible tokens are never changed, and the run ends with
/// the last mask. `LLaDAReferenceTests` checks it against an independent implementation.
struct LLaDASampler: Sampler {
    var name: String { "llada" }
    var summary: String { "mask-only" }
    var kind: SamplerKind { .llada }
    var knobKeys: [String] { Self.commitKnobKeys }

    /// What the commit plan and the shared mechanics under it read; every sampler that commits this way reads them.
    static let commitKnobKeys = ["steps", "block_length", "schedule", "confidence", "proposal", "temperature",
                                 "tau_unmask", "seed", "top_k"]

    func hasCorrectionPhase(under knobs: SamplerKnobs) -> Bool { false }

    func unmask(_ step: inout StepDraft) {
        guard let (ranked, confidence, quota) = step.rankedMasksInScope() else { return }
        step.commit(ranked.prefix(quota.count), under: quota, confidence: confidence)
    }

    func edit(_ step: inout StepDraft) -> Int { 0 }
}
