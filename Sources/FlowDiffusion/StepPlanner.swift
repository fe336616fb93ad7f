import FlowCore
import Foundation

/// Plans one step from one forward pass: unmask by schedule, then edits (FlowLM), then the per-position
/// values the UI draws. Pure: the same state, logits and knobs always give the same step.
struct StepPlanner {
    let knobs: SamplerKnobs
    let layout: BlockLayout
    let logits: LogitMatrix
    let stats: RowStatistics

    private var special: SpecialTokens { stats.special }

    /// Runs the step; `start.phase(under: knobs)` must not be `.done`.
    func plan(_ start: LoopState) -> (RefinementStep, LoopState) {
        var state = start
        let phase = state.phase(under: knobs)
        state.alignBlock(with: layout, blockLength: knobs.blockLength)
        let before = state.canvas.tokens
        var changes = state.pendingForces.map { force in
            var change = force
            change.pFrom = probability(change.position, change.from)
            change.pTo = probability(change.position, change.to)
            return change
        }
        state.pendingForces = []

        var proposals = [TokenID](repeating: -1, count: before.count)
        let committed = unmask(&state, phase: phase, proposals: &proposals, changes: &changes)
        let edits = edit(&state, phase: phase, before: before, changes: &changes)

        switch phase {
        case .unmask: state.blockStep += 1
        case .correction:
            state.correctionStepsTaken += 1
            if edits == 0 { state.correctionEnded = true }
        case .done: break
        }
        _ = committed
        if state.canvas.maskedCount == 0 { state.inCorrection = true }
        state.stepIndex += 1
        state.forwardPasses += 1
        state.forgetOldValues(window: knobs.cycleWindow)

        let step = describe(state: state, phase: phase, before: before, proposals: proposals, changes: changes)
        return (step, state)
    }

    // MARK: Unmask

    private func unmask(_ state: inout LoopState, phase: RefinementPhase, proposals: inout [TokenID],
                        changes: inout [TokenChange]) -> Int {
        let canvas = state.canvas
        var scope: [Int] = []
        for p in canvas.editablePositions where canvas.isMasked(p) {
            proposals[p] = stats.topId(row: p)
            if phase == .correction || layout.blockOf[p] <= state.blockIndex { scope.append(p) }
        }
        guard !scope.isEmpty else { return 0 }
        if knobs.proposal == .sample {
            for p in scope { proposals[p] = sample(row: p, random: &state.random) }
        }
        var confidence = [Float](repeating: 0, count: canvas.count)
        for p in scope { confidence[p] = measure(p, proposals[p]) }

        let stepsInBlock = layout.steps(ofBlock: state.blockIndex)
        let quota: Int
        var reason: ChangeReason.Code = .scheduled
        if phase == .correction {
            quota = scope.count
            reason = .deadline
        } else if knobs.schedule == .threshold && state.blockStep < stepsInBlock - 1 {
            let tau = Float(knobs.tauUnmask)
            quota = max(1, scope.reduce(0) { $0 + (confidence[$1] >= tau ? 1 : 0) })
            reason = .aboveThreshold
        } else {
            let target = knobs.schedule.remainingAfter(step: state.blockStep, of: stepsInBlock,
                                                       initialMasks: state.blockInitialMasks)
            quota = max(0, scope.count - target)
            if target == 0 { reason = .deadline }
        }
        guard quota > 0 else { return 0 }
        let ranked = scope.sorted { confidence[$0] != confidence[$1] ? confidence[$0] > confidence[$1] : $0 < $1 }
        for (rank, p) in ranked.prefix(quota).enumerated() {
            let token = proposals[p]
            let text: String
            switch reason {
            case .aboveThreshold where confidence[p] >= Float(knobs.tauUnmask):
                text = "\(knobs.confidence.rawValue) \(f(confidence[p])) ≥ tau_unmask \(f(knobs.tauUnmask))"
            case .aboveThreshold:
                text = "most confident mask (\(knobs.confidence.rawValue) \(f(confidence[p]))); none reached tau_unmask \(f(knobs.tauUnmask))"
            case .deadline where phase == .correction:
                text = "correction phase fills every remasked position"
            case .deadline:
                text = "last step of block \(state.blockIndex + 1) commits every remaining mask"
            default:
                text = "rank \(rank + 1) of \(scope.count) masks by \(knobs.confidence.rawValue) \(f(confidence[p])); schedule commits \(quota)"
            }
            changes.append(TokenChange(position: p, kind: .commit, from: special.mask, to: token, pFrom: 0,
                                       pTo: probability(p, token), reason: ChangeReason(reason, text)))
            state.record(change: p, from: special.mask, window: knobs.cycleWindow)
            state.canvas.set(token, at: p)
        }
        return quota
    }

    // MARK: Edit

    private func edit(_ state: inout LoopState, phase: RefinementPhase, before: [TokenID],
                      changes: inout [TokenChange]) -> Int {
        guard knobs.editsEnabled else { return 0 }
        switch phase {
        case .unmask: guard Canvas.visibleFraction(of: before, in: state.canvas) >= knobs.editGate else { return 0 }
        case .correction: guard state.correctionStepsTaken < knobs.correctionSteps else { return 0 }
        case .done: return 0
        }
        struct Candidate { var position: Int; var alt: TokenID; var pCurrent: Float; var pAlt: Float }
        var candidates: [Candidate] = []
        let tau = Float(knobs.tauEdit), delta = Float(knobs.delta)
        for p in state.canvas.editablePositions {
            let current = before[p]
            guard current != special.mask, !state.canvas.pinned[p], !state.frozen[p],
                  state.stepIndex - state.lastChange[p] > knobs.cooldown else { continue }
            let pCurrent = probability(p, current)
            let (alt, pAlt) = stats.bestOther(row: p, than: current)
            guard alt >= 0, pAlt >= tau, pAlt - pCurrent >= delta else { continue }
            candidates.append(Candidate(position: p, alt: alt, pCurrent: pCurrent, pAlt: pAlt))
        }
        candidates.sort {
            let a = $0.pAlt - $0.pCurrent, b = $1.pAlt - $1.pCurrent
            return a != b ? a > b : $0.position < $1.position
        }
        var applied = 0
        var freezes: [TokenChange] = []
        for c in candidates where applied < knobs.maxEditsPerStep {
            let current = before[c.position]
            let why = "p(alt)=\(f(c.pAlt)) ≥ tau_edit \(f(knobs.tauEdit)), gain \(f(c.pAlt - c.pCurrent)) ≥ delta \(f(knobs.delta))"
            if state.heldRecently(c.alt, at: c.position, window: knobs.cycleWindow) {
                state.frozen[c.position] = true
                freezes.append(TokenChange(position: c.position, kind: .freeze, from: current, to: c.alt,
                                           pFrom: c.pCurrent, pTo: c.pAlt, reason: ChangeReason(
                                               .cycle, "\(c.alt) was held within the last \(knobs.cycleWindow) steps: frozen instead of cycling")))
                continue
            }
            let remask = knobs.editMode == .remask
            let newToken = remask ? special.mask : c.alt
            changes.append(TokenChange(position: c.position, kind: remask ? .remask : .edit, from: current,
                                       to: newToken, pFrom: c.pCurrent, pTo: c.pAlt,
                                       reason: ChangeReason(.editGain, remask ? "\(why); remasked for \(c.alt)" : why)))
            state.record(change: c.position, from: current, window: knobs.cycleWindow)
            state.canvas.set(newToken, at: c.position)
            applied += 1
        }
        changes += freezes
        return applied
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
        return RefinementStep(index: start(state), phase: phase, phaseAfter: state.phase(under: knobs),
                              forwardPasses: state.forwardPasses, before: before, after: after,
                              confidence: confidence, pCurrent: pCurrent,
                              candidates: CandidateTable(k: k, ids: ids, probabilities: probabilities),
                              changes: changes)
    }

    private func start(_ stateAfter: LoopState) -> Int { stateAfter.stepIndex - 1 }

    // MARK: Measures

    func probability(_ row: Int, _ token: TokenID) -> Float {
        stats.probability(row: row, token: token, in: logits)
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

    private func sample(row: Int, random: inout FlowRandom) -> TokenID {
        stats.sample(row: row, in: logits, uniform: random.nextFloat())
    }

    private func f(_ x: Float) -> String { String(format: "%.2f", Double(x)) }
    private func f(_ x: Double) -> String { String(format: "%.2f", x) }
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
