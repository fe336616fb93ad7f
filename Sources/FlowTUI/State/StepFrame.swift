import FlowCore

/// How a position changed in one step, as the screen shows it (one style each, see `Theme.changeStyle`).
public enum ChangeMark: String, Sendable, Hashable, CaseIterable {
    case commit, edit, remask, freeze
}

/// One change of one step, as the inspector and canvas show it.
public struct FrameChange: Sendable, Hashable {
    public var position: Int
    public var mark: ChangeMark
    public var from: TokenID
    public var to: TokenID
    public var pFrom: Float
    public var pTo: Float
    public var reason: String

    public init(position: Int, mark: ChangeMark, from: TokenID, to: TokenID, pFrom: Float, pTo: Float, reason: String = "") {
        self.position = position; self.mark = mark; self.from = from; self.to = to
        self.pFrom = pFrom; self.pTo = pTo; self.reason = reason
    }
}

/// A candidate token with its probability, for the inspector's top-k list.
public struct Candidate: Sendable, Hashable {
    public var token: TokenID
    public var probability: Float
    public init(token: TokenID, probability: Float) { self.token = token; self.probability = probability }
}

/// Everything the screen needs about the canvas after one step (index 0 = the starting canvas).
/// The app layer builds these from FlowDiffusion's steps or from a replayed trace, so FlowTUI renders
/// both the same way and never needs a model.
public struct StepFrame: Sendable, Hashable {
    public var index: Int
    public var tokens: [TokenID]
    /// Positions the sampler may change (false for the prompt and special tokens).
    public var editable: [Bool]
    /// Confidence of each position by the measure in `knobs.measure`, in [0, 1] (higher = surer).
    public var confidence: [Float]
    /// The model's probability of the token currently at each position.
    public var pCurrent: [Float]
    /// Best candidates per position (may be empty when not recorded).
    public var topK: [[Candidate]]
    public var changes: [FrameChange]
    public var knobs: KnobSettings
    public var forwardPasses: Int

    public init(index: Int, tokens: [TokenID], editable: [Bool], confidence: [Float], pCurrent: [Float],
                topK: [[Candidate]] = [], changes: [FrameChange] = [], knobs: KnobSettings, forwardPasses: Int) {
        self.index = index; self.tokens = tokens; self.editable = editable; self.confidence = confidence
        self.pCurrent = pCurrent; self.topK = topK; self.changes = changes; self.knobs = knobs
        self.forwardPasses = forwardPasses
    }

    public func count(_ mark: ChangeMark) -> Int { changes.reduce(0) { $0 + ($1.mark == mark ? 1 : 0) } }

    /// Mean confidence over editable positions that are not masked.
    public func meanConfidence(mask: TokenID) -> Float {
        var sum: Float = 0, n = 0
        for i in tokens.indices where i < editable.count && editable[i] && tokens[i] != mask && i < confidence.count {
            sum += confidence[i]; n += 1
        }
        return n == 0 ? 0 : sum / Float(n)
    }

    public func maskCount(mask: TokenID) -> Int {
        var n = 0
        for token in tokens where token == mask { n += 1 }
        return n
    }

    /// The change at a position in this step, if any (the last one wins when a policy logs several).
    public func change(at position: Int) -> FrameChange? { changes.last { $0.position == position } }
}
