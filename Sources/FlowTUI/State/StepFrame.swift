import FlowCore
import FlowDiffusion

/// Everything the screen needs about the canvas after one step (index 0 = the starting canvas).
/// Built from FlowDiffusion's `RefinementStep` (live) or from a trace (replay), so FlowTUI draws both
/// the same way and never needs a model.
public struct StepFrame: Sendable, Hashable {
    public var index: Int
    public var tokens: [TokenID]
    /// What each position is (special, prompt, hole, answer).
    public var roles: [PositionRole]
    /// Confidence of each position by the step's measure, in [-1, 1] (higher = surer).
    public var confidence: [Float]
    /// The model's probability of the token currently at each position (0 for MASK).
    public var pCurrent: [Float]
    /// Best candidates per position, when recorded.
    public var candidates: CandidateTable?
    public var changes: [TokenChange]
    public var knobs: SamplerKnobs
    public var forwardPasses: Int
    public var phaseAfter: RefinementPhase
    /// The Refiner history node this frame shows (nil = its initial canvas, or a replayed trace); a step
    /// asked from this frame continues from that node.
    public var nodeID: Int?
    /// The frame shows a token the user forced, not a computed step: knobs apply from the next step, which
    /// reports the force as a change.
    public var isUserForce = false
    /// The step this frame shows, as the Refiner produced it (nil for frame 0 and for user forces);
    /// kept so a saved trace holds exactly what was computed. Its arrays share storage with the frame's.
    public var source: RefinementStep?

    public init(index: Int, tokens: [TokenID], roles: [PositionRole], confidence: [Float], pCurrent: [Float],
                candidates: CandidateTable? = nil, changes: [TokenChange] = [], knobs: SamplerKnobs,
                forwardPasses: Int, phaseAfter: RefinementPhase = .unmask, nodeID: Int? = nil) {
        self.index = index; self.tokens = tokens; self.roles = roles; self.confidence = confidence
        self.pCurrent = pCurrent; self.candidates = candidates; self.changes = changes; self.knobs = knobs
        self.forwardPasses = forwardPasses; self.phaseAfter = phaseAfter; self.nodeID = nodeID
    }

    /// Frame 0: a fresh canvas before any step.
    public init(initial canvas: Canvas, knobs: SamplerKnobs) {
        self.init(index: 0, tokens: canvas.tokens, roles: canvas.roles,
                  confidence: [Float](repeating: 0, count: canvas.count),
                  pCurrent: [Float](repeating: 0, count: canvas.count), knobs: knobs, forwardPasses: 0)
    }

    /// A computed step (`step.index` is 0-based along its branch, so the frame is one later).
    public init(step: RefinementStep, roles: [PositionRole], knobs: SamplerKnobs, nodeID: Int?) {
        self.init(index: step.index + 1, tokens: step.after, roles: roles, confidence: step.confidence,
                  pCurrent: step.pCurrent, candidates: step.candidates, changes: step.changes, knobs: knobs,
                  forwardPasses: step.forwardPasses, phaseAfter: step.phaseAfter, nodeID: nodeID)
        source = step
    }

    /// The Refiner's record of a forced token (`Refiner.force`), drawn over the frame it was forced on: the
    /// chosen token shows the probability the user saw, and the change is the force the next step reports.
    public init(force: TokenChange, over previous: StepFrame, knobs: SamplerKnobs, nodeID: Int?) {
        self = previous
        let p = force.position
        index += 1
        tokens[p] = force.to
        if p < pCurrent.count { pCurrent[p] = force.pTo }
        if p < confidence.count { confidence[p] = force.pTo }
        changes = [force]
        self.knobs = knobs
        self.nodeID = nodeID
        isUserForce = true
        source = nil
    }

    /// Positions the sampler may change (false for the prompt and special tokens).
    public var editable: [Bool] { roles.map(\.isEditable) }

    public func isEditable(_ position: Int) -> Bool { position >= 0 && position < roles.count && roles[position].isEditable }

    public func count(_ kind: ChangeKind) -> Int { changes.reduce(0) { $0 + ($1.kind == kind ? 1 : 0) } }

    /// Mean confidence over editable positions that are not masked.
    /// The timeline asks this of every frame in its window on every render, so it reads the arrays in place.
    public func meanConfidence(mask: TokenID) -> Float {
        var sum: Float = 0, n = 0
        let count = min(tokens.count, roles.count, confidence.count)
        tokens.withUnsafeBufferPointer { tokens in
            roles.withUnsafeBufferPointer { roles in
                confidence.withUnsafeBufferPointer { confidence in
                    for i in 0..<count where tokens[i] != mask && roles[i].isEditable {
                        sum += confidence[i]; n += 1
                    }
                }
            }
        }
        return n == 0 ? 0 : sum / Float(n)
    }

    public func maskCount(mask: TokenID) -> Int {
        var n = 0
        for (i, token) in tokens.enumerated() where token == mask && isEditable(i) { n += 1 }
        return n
    }

    /// The change at a position in this step, if any (the last one wins when a policy logs several).
    public func change(at position: Int) -> TokenChange? { changes.last { $0.position == position } }

    /// Top candidates at a position, best first (empty when not recorded).
    public func candidates(at position: Int) -> [(id: TokenID, probability: Float)] {
        guard let candidates, position >= 0, position < candidates.positions else { return [] }
        return candidates.candidates(at: position)
    }
}
