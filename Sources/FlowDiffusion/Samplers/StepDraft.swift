import FlowCore
import Foundation

/// One step while its sampler plans it: the canvas the forward pass saw, the phase, and what the plans have
/// done so far. Its methods are the mechanics every sampler shares (proposals, schedule quotas, confidence,
/// cooldown, cycle freezes, recording changes), so samplers differ only in what they decide.
/// Opaque outside FlowDiffusion.
public struct StepDraft {
    let planner: StepPlanner
    let phase: RefinementPhase
    /// The canvas the forward pass saw; edits are judged on it.
    let before: [TokenID]
    var state: LoopState
    /// Every masked position's candidate token (-1 elsewhere); a position left masked shows its candidate.
    var proposals: [TokenID]
    /// In the trace's order: forces, commits (by position), edits or remasks (as applied), freezes.
    var changes: [TokenChange]

    var knobs: SamplerKnobs { planner.knobs }
    var stats: RowStatistics { planner.stats }
    private var mask: TokenID { stats.special.mask }

    func probability(_ row: Int, _ token: TokenID) -> Float { planner.probability(row, token) }

    /// Whether this unmask step is its block's last scheduled one, the step that commits every mask left in scope.
    var isBlockDeadline: Bool {
        phase == .unmask && state.blockStep >= planner.layout.steps(ofBlock: state.blockIndex) - 1
    }
}

/// How many masks the schedule commits this step, of how many in scope, and why.
struct CommitQuota {
    var count: Int
    var masks: Int
    var reason: ChangeReason.Code
}

/// A visible token an edit plan would change to `alt`.
struct EditCandidate {
    var position: Int
    var alt: TokenID
    var pCurrent: Float
    var pAlt: Float
}

// MARK: Commits

extension StepDraft {
    /// Proposes a token for every masked position and returns the ones the schedule may commit now: masks in
    /// the current block or an earlier one, or every mask during correction. Sampled proposals draw from the
    /// run's generator in position order, so re-plans and branches draw the same numbers.
    mutating func proposeForMasksInScope() -> [Int] {
        let canvas = state.canvas
        var scope: [Int] = []
        for p in canvas.editablePositions where canvas.isMasked(p) {
            proposals[p] = stats.topId(row: p)
            if phase == .correction || planner.layout.blockOf[p] <= state.blockIndex { scope.append(p) }
        }
        if knobs.proposal == .sample {
            for p in scope { proposals[p] = planner.sample(row: p, random: &state.random) }
        }
        return scope
    }

    /// Each proposal's confidence by the chosen measure, indexed by position (0 outside `scope`).
    func confidence(ofProposalsAt scope: [Int]) -> [Float] {
        var confidence = [Float](repeating: 0, count: state.canvas.count)
        for p in scope { confidence[p] = planner.measure(p, proposals[p]) }
        return confidence
    }

    /// What the schedule allows: during correction every remasked position; with the threshold schedule every
    /// mask at or above tau_unmask (at least one) until the block's last step; otherwise the count that leaves
    /// the schedule's remaining masks (all of them at the block's last step).
    func commitQuota(scope: [Int], confidence: [Float]) -> CommitQuota {
        if phase == .correction { return CommitQuota(count: scope.count, masks: scope.count, reason: .deadline) }
        let stepsInBlock = planner.layout.steps(ofBlock: state.blockIndex)
        if knobs.schedule == .threshold && state.blockStep < stepsInBlock - 1 {
            let tau = Float(knobs.tauUnmask)
            let above = scope.reduce(0) { $0 + (confidence[$1] >= tau ? 1 : 0) }
            return CommitQuota(count: max(1, above), masks: scope.count, reason: .aboveThreshold)
        }
        let target = knobs.schedule.remainingAfter(step: state.blockStep, of: stepsInBlock,
                                                   initialMasks: state.blockInitialMasks)
        return CommitQuota(count: max(0, scope.count - target), masks: scope.count, reason: target == 0 ? .deadline : .scheduled)
    }

    /// The masks the schedule may commit now, proposed and ranked most confident first (ties to the lower
    /// position, as in LLaDA's reference), with their confidence and the schedule's quota; nil when the quota is 0.
    mutating func rankedMasksInScope() -> (ranked: [Int], confidence: [Float], quota: CommitQuota)? {
        let scope = proposeForMasksInScope()
        guard !scope.isEmpty else { return nil }
        let confidence = confidence(ofProposalsAt: scope)
        let quota = commitQuota(scope: scope, confidence: confidence)
        guard quota.count > 0 else { return nil }
        let ranked = scope.sorted { confidence[$0] != confidence[$1] ? confidence[$0] > confidence[$1] : $0 < $1 }
        return (ranked, confidence, quota)
    }

    /// Commits the proposals at `ranked` (most confident first; the rank goes into the reason), in position order.
    mutating func commit(_ ranked: some Collection<Int>, under quota: CommitQuota, confidence: [Float]) {
        var rankOf = [Int: Int]()
        for (rank, p) in ranked.enumerated() { rankOf[p] = rank }
        for (p, rank) in rankOf.sorted(by: { $0.key < $1.key }) {
            let token = proposals[p]
            changes.append(TokenChange(position: p, kind: .commit, from: mask, to: token, pFrom: 0,
                                       pTo: probability(p, token),
                                       reason: ChangeReason(quota.reason, why(committing: p, rank: rank, quota, confidence))))
            state.record(change: p, from: mask, window: knobs.cycleWindow)
            state.canvas.set(token, at: p)
        }
    }

    private func why(committing p: Int, rank: Int, _ quota: CommitQuota, _ confidence: [Float]) -> String {
        let measure = knobs.confidence.rawValue
        switch quota.reason {
        case .aboveThreshold where confidence[p] >= Float(knobs.tauUnmask):
            return "\(measure) \(twoDecimals(confidence[p])) ≥ tau_unmask \(twoDecimals(knobs.tauUnmask))"
        case .aboveThreshold:
            return "most confident mask (\(measure) \(twoDecimals(confidence[p]))); none reached tau_unmask \(twoDecimals(knobs.tauUnmask))"
        case .deadline where phase == .correction:
            return "correction phase fills every remasked position"
        case .deadline:
            return "last step of block \(state.blockIndex + 1) commits every remaining mask"
        default:
            return "rank \(rank + 1) of \(quota.masks) masks by \(measure) \(twoDecimals(confidence[p])); schedule commits \(quota.count)"
        }
    }
}

// MARK: Edits

extension StepDraft {
    /// Whether an edit may touch position `p`: visible on the input canvas, not pinned, not frozen by a cycle,
    /// and past its cooldown (commits count as changes, so nothing committed in this step).
    func mayEdit(_ p: Int) -> Bool {
        before[p] != mask && !state.canvas.pinned[p] && !state.frozen[p]
            && state.stepIndex - state.lastChange[p] > knobs.cooldown
    }

    /// Applies `candidates` in order until E changes are applied: each replaces its token (`.replace`) or masks it
    /// for a later commit (`.remask`), unless its alternative was held within the cycle window, in which case the
    /// position is frozen instead (freezes are reported after the changes and do not count toward E).
    /// `why` gives an applied candidate's reason. Returns the changes applied.
    mutating func apply(_ candidates: [EditCandidate], as mode: EditMode, why: (EditCandidate) -> String) -> Int {
        var applied = 0
        var freezes: [TokenChange] = []
        for c in candidates where applied < knobs.maxEditsPerStep {
            let current = before[c.position]
            if state.heldRecently(c.alt, at: c.position, window: knobs.cycleWindow) {
                state.frozen[c.position] = true
                freezes.append(TokenChange(position: c.position, kind: .freeze, from: current, to: c.alt,
                                           pFrom: c.pCurrent, pTo: c.pAlt, reason: ChangeReason(
                                               .cycle, "\(c.alt) was held within the last \(knobs.cycleWindow) steps: frozen instead of cycling")))
                continue
            }
            let remask = mode == .remask
            let newToken = remask ? mask : c.alt
            let reason = why(c)
            changes.append(TokenChange(position: c.position, kind: remask ? .remask : .edit, from: current,
                                       to: newToken, pFrom: c.pCurrent, pTo: c.pAlt,
                                       reason: ChangeReason(.editGain, remask ? "\(reason); remasked for \(c.alt)" : reason)))
            state.record(change: c.position, from: current, window: knobs.cycleWindow)
            state.canvas.set(newToken, at: c.position)
            applied += 1
        }
        changes += freezes
        return applied
    }
}

extension StepDraft {
    /// The chosen confidence measure of `token` at `row` (p(token) by default).
    func measure(_ row: Int, _ token: TokenID) -> Float { planner.measure(row, token) }

    /// Masks a visible token again because a planner preferred committing the mask at `rival`.
    mutating func remask(_ p: Int, score: Float, rival: Int, rivalConfidence: Float) {
        let current = before[p]
        let measure = knobs.confidence.rawValue
        changes.append(TokenChange(position: p, kind: .remask, from: current, to: mask, pFrom: probability(p, current),
                                   pTo: 0, reason: ChangeReason(.planned,
                                       "\(measure) \(twoDecimals(score)) < \(twoDecimals(rivalConfidence)) of the mask at \(rival), committed in its place; remasked")))
        state.record(change: p, from: current, window: knobs.cycleWindow)
        state.canvas.set(mask, at: p)
    }
}

/// Two decimals, as every reason prints its numbers.
func twoDecimals(_ x: Float) -> String { twoDecimals(Double(x)) }
func twoDecimals(_ x: Double) -> String { String(format: "%.2f", x) }
