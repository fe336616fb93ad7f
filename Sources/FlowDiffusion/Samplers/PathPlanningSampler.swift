extension SamplerKind {
    public static let p2 = SamplerKind(declaring: "p2")
}

/// P2-style path planning (Peng et al. 2025, "Path Planning for Masked Diffusion Model Sampling": the
/// self-planner, without its η, fitted to this loop's schedule): masked proposals and visible tokens compete
/// for the places the schedule keeps visible. Each step
/// commits its scheduled masks as LLaDA does, plus one more for every visible token whose own score (the
/// confidence measure of the token it holds, p(current) by default) falls below the confidence of a mask left
/// out; those tokens are masked again, to be re-decided in context by a later commit. At most E (max_edits)
/// remasks a step, none at a block's last step (the deadline commits every mask), so the run takes exactly
/// `steps` forward passes, like LLaDA, and needs no correction phase. It applies to any masked LM.
struct PathPlanningSampler: Sampler {
    var name: String { "p2" }
    var summary: String { "path planning: low p(current) is remasked" }
    var kind: SamplerKind { .p2 }
    var knobKeys: [String] { LLaDASampler.commitKnobKeys + ["max_edits", "cooldown"] }

    func hasCorrectionPhase(under knobs: SamplerKnobs) -> Bool { false }

    func unmask(_ step: inout StepDraft) {
        guard let (ranked, confidence, quota) = step.rankedMasksInScope() else { return }
        let challengers = ranked.dropFirst(quota.count)
        var remasks: [(position: Int, score: Float, rival: Int)] = []
        if !step.isBlockDeadline, step.knobs.maxEditsPerStep > 0, !challengers.isEmpty {
            // The weakest visible tokens first; each is remasked while it scores below the best mask left out.
            let visible = step.state.canvas.editablePositions.filter { step.mayEdit($0) }
                .map { (position: $0, score: step.measure($0, step.before[$0])) }
                .sorted { $0.score != $1.score ? $0.score < $1.score : $0.position < $1.position }
            for (held, rival) in zip(visible, challengers) where remasks.count < step.knobs.maxEditsPerStep {
                guard held.score < confidence[rival] else { break }
                remasks.append((held.position, held.score, rival))
            }
        }
        step.commit(ranked.prefix(quota.count + remasks.count), under: quota, confidence: confidence)
        for remask in remasks {
            step.remask(remask.position, score: remask.score, rival: remask.rival, rivalConfidence: confidence[remask.rival])
        }
    }

    func edit(_ step: inout StepDraft) -> Int { 0 }
}
