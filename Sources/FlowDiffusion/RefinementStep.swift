import FlowCore

/// Where the loop is: filling masks, edit-only correction after the last mask, or finished.
public enum RefinementPhase: String, Sendable, Hashable, Codable {
    case unmask, correction, done
}

public enum ChangeKind: String, Sendable, Hashable, Codable {
    /// A MASK became a token.
    case commit
    /// A visible token was replaced by another.
    case edit
    /// A visible token was masked again (edit variant), to be committed later.
    case remask
    /// A position was frozen by cycle detection instead of returning to a recent value.
    case freeze
    /// The user forced a token (and pinned the position) before this step.
    case force
}

/// Why a change happened, as a stable code (for filters and styles) plus a sentence for people.
public struct ChangeReason: Sendable, Hashable {
    public enum Code: String, Sendable, Hashable, Codable {
        /// Among the k most confident masks the schedule allowed this step.
        case scheduled
        /// Confidence at or above tau_unmask.
        case aboveThreshold
        /// The block's last step (or a remasked fill-in) commits whatever is left.
        case deadline
        /// p(alt) ≥ tau_edit and the gain ≥ delta.
        case editGain
        /// Returning to a value held within the cycle window.
        case cycle
        /// A planner ranked the token below a mask's proposal (p2): masked again for a later commit.
        case planned
        /// A user action.
        case user
    }

    public var code: Code
    public var text: String

    public init(_ code: Code, _ text: String) { self.code = code; self.text = text }
}

/// One position's change in one step. Probabilities are at the step's temperature, from its logits.
public struct TokenChange: Sendable, Hashable {
    public var position: Int
    public var kind: ChangeKind
    public var from: TokenID
    /// The new token; MASK for a remask; for a freeze, the value that was refused (the token stays `from`).
    public var to: TokenID
    public var pFrom: Float
    public var pTo: Float
    public var reason: ChangeReason

    public init(position: Int, kind: ChangeKind, from: TokenID, to: TokenID, pFrom: Float, pTo: Float,
                reason: ChangeReason) {
        self.position = position; self.kind = kind; self.from = from; self.to = to
        self.pFrom = pFrom; self.pTo = pTo; self.reason = reason
    }
}

/// The top-k candidates of every position, flat: position p's j-th candidate is at `p * k + j`,
/// best first. Reserved ids never appear; a row with fewer ordinary tokens than k pads with id -1, p 0.
public struct CandidateTable: Sendable, Hashable {
    public let k: Int
    public var ids: [TokenID]
    public var probabilities: [Float]

    public init(k: Int, ids: [TokenID], probabilities: [Float]) {
        precondition(k > 0 && ids.count == probabilities.count && ids.count % k == 0, "CandidateTable shape")
        self.k = k; self.ids = ids; self.probabilities = probabilities
    }

    public var positions: Int { ids.count / k }

    /// (id, p) pairs for one position, best first.
    public func candidates(at position: Int) -> [(id: TokenID, probability: Float)] {
        (0..<k).compactMap { j in
            let id = ids[position * k + j]
            return id < 0 ? nil : (id, probabilities[position * k + j])
        }
    }
}

/// Everything the UI draws for one step, with nothing left to recompute.
/// Per-position arrays describe `after` under this step's logits: `confidence` by the chosen measure
/// (for a position still masked: of the token it would commit), `pCurrent` = p(after[i]) (0 for MASK).
public struct RefinementStep: Sendable, Hashable {
    /// 0-based index of this step along its branch.
    public var index: Int
    /// The phase this step ran in, and the phase the loop is in after it.
    public var phase: RefinementPhase
    public var phaseAfter: RefinementPhase
    /// Forward passes along this branch up to and including this step.
    public var forwardPasses: Int
    public var before: [TokenID]
    public var after: [TokenID]
    public var confidence: [Float]
    public var pCurrent: [Float]
    public var candidates: CandidateTable
    /// Forces, then commits (by position), then edits or remasks (by gain, as applied), then freezes.
    public var changes: [TokenChange]

    public init(index: Int, phase: RefinementPhase, phaseAfter: RefinementPhase, forwardPasses: Int,
                before: [TokenID], after: [TokenID], confidence: [Float], pCurrent: [Float],
                candidates: CandidateTable, changes: [TokenChange]) {
        self.index = index; self.phase = phase; self.phaseAfter = phaseAfter; self.forwardPasses = forwardPasses
        self.before = before; self.after = after; self.confidence = confidence; self.pCurrent = pCurrent
        self.candidates = candidates; self.changes = changes
    }

    public func changes(of kind: ChangeKind) -> [TokenChange] { changes.filter { $0.kind == kind } }
}
