import FlowCore

/// Plans one step from one forward pass: the sampler's unmask plan, then its edit plan (see `Sampler`), then
/// the phase bookkeeping and the per-position values the UI draws. Pure: the same state, logits and knobs
/// always give the same step.
struct StepPlanner {
    let knobs: SamplerKnobs
    let layout: BlockLayout
    /// The step's logits, or nil when planning from kept statistics (`kept`, which must cover the knobs).
    let logits: LogitMatrix?
    let stats: RowStatistics
    var kept: KeptStatistics? = nil
    var misses: PlanningMisses? = nil

    private var special: SpecialTokens { stats.special }

    /// Runs the step with the sampler the knobs choose; `start.phase(under: knobs)` must not be `.done`.
    func plan(_ start: LoopState) -> (RefinementStep, LoopState) {
        let sampler = Samplers.selected(by: knobs)
        var state = start
        let phase = state.phase(under: knobs)
        state.alignBlock(with: layout, blockLength: knobs.blockLength)
        let before = state.canvas.tokens
        let forces = state.pendingForces.map { force in
            var change = force
            change.pFrom = probability(change.position, change.from)
            change.pTo = probability(change.position, change.to)
            return change
        }
        state.pendingForces = []

        var draft = StepDraft(planner: self, phase: phase, before: before, state: state,
                              proposals: [TokenID](repeating: -1, count: before.count), changes: forces)
        sampler.unmask(&draft)
        let edits = sampler.edit(&draft)
        state = draft.state

        switch phase {
        case .unmask: state.blockStep += 1
        case .correction:
            state.correctionStepsTaken += 1
            if edits == 0 { state.correctionEnded = true }
        case .done: break
        }
        if state.canvas.maskedCount == 0 { state.inCorrection = true }
        state.stepIndex += 1
        state.forwardPasses += 1
        state.forgetOldValues(window: knobs.cycleWindow)

        let step = describe(state: state, phase: phase, before: before, proposals: draft.proposals, changes: draft.changes)
        return (step, state)
    }

    // MARK: Output

    private func describe(state: LoopState, phase: RefinementPhase, before: [TokenID], proposals: [TokenID],
                          changes: [TokenChange]) -> RefinementStep {
        let after = state.canvas.tokens
        var confidence = [Float](repeating: 0, count: after.count)
        var pCurrent = [Float](repeating: 0, count: after.count)
        for p in after.indices {
            let shown = after[p] == special.mask && proposals[p] >= 0 ? proposals[p] : after[p]
            confidence[p] = measure(p, shown)
            pCurrent[p] = after[p] == special.mask ? 0 : probability(p, after[p])
        }
        let k = knobs.topK, kept = stats.k
        var ids = [TokenID](repeating: -1, count: after.count * k)
        var probabilities = [Float](repeating: 0, count: after.count * k)
        for p in after.indices {
            for j in 0..<k {
                ids[p * k + j] = stats.topIds[p * kept + j]
                probabilities[p * k + j] = stats.topProbabilities[p * kept + j]
            }
        }
        return RefinementStep(index: state.stepIndex - 1, phase: phase, phaseAfter: state.phase(under: knobs),
                              forwardPasses: state.forwardPasses, before: before, after: after,
                              confidence: confidence, pCurrent: pCurrent,
                              candidates: CandidateTable(k: k, ids: ids, probabilities: probabilities),
                              changes: changes)
    }

    // MARK: Measures

    func probability(_ row: Int, _ token: TokenID) -> Float {
        if let logits { return stats.probability(row: row, token: token, in: logits) }
        if let p = kept?.probability(row: row, token: token) { return p }
        misses?.count += 1
        return 0
    }

    /// Confidence of `token` at `row` by the chosen measure; higher is more confident; 0 for reserved ids.
    func measure(_ row: Int, _ token: TokenID) -> Float {
        if token < 0 || special.isReserved(token) { return knobs.confidence == .negativeEntropy ? stats.entropyConfidence[row] : 0 }
        switch knobs.confidence {
        case .probability: return probability(row, token)
        case .margin: return probability(row, token) - stats.bestOther(row: row, than: token).probability
        case .negativeEntropy: return stats.entropyConfidence[row]
        }
    }

    func sample(row: Int, random: inout FlowRandom) -> TokenID {
        guard let logits else { misses?.count += 1; return stats.topId(row: row) }
        return stats.sample(row: row, in: logits, uniform: random.nextFloat())
    }
}

extension Canvas {
    /// Visible fraction of the editable positions of `canvas` when its tokens were `tokens`.
    static func visibleFraction(of tokens: [TokenID], in canvas: Canvas) -> Double {
        let editable = canvas.editablePositions
        guard !editable.isEmpty else { return 1 }
        let visible = editable.reduce(0) { $0 + (tokens[$1] == canvas.specialTokens.mask ? 0 : 1) }
        return Double(visible) / Double(editable.count)
    }
}
