import FlowCore

/// One node of the Refiner's history: a computed step, a token the user forced (which the next step
/// reports as a `force` change), or a canvas adopted from a replayed trace (`Refiner.adopt`; neither step
/// nor force), with the knobs in use and the loop states around it.
public struct StepNode: Sendable {
    public let knobs: SamplerKnobs
    /// nil when the node is a user's forced token or an adopted canvas.
    public let step: RefinementStep?
    /// The user's forced token (nil for a computed step).
    public let force: TokenChange?
    let stateBefore: LoopState
    let stateAfter: LoopState
}

/// A token the user chose for a position, with the probabilities shown when choosing (they stand on the
/// force until the next step reports the model's own).
public struct ForcedToken: Sendable, Hashable {
    public var position: Int
    public var token: TokenID
    public var shownProbabilityBefore: Float
    public var shownProbability: Float
    public init(position: Int, token: TokenID, shownProbabilityBefore: Float = 0, shownProbability: Float = 0) {
        self.position = position; self.token = token
        self.shownProbabilityBefore = shownProbabilityBefore; self.shownProbability = shownProbability
    }
}
