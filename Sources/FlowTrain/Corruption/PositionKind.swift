import FlowCore

/// What corruption did to one position. Losses and accuracies are reported per kind, because a model
/// that restores substitutions and one that fills masks are learning different skills.
public enum PositionKind: UInt8, Sendable, CaseIterable, Codable {
    /// Not scored: prompt, special token, padding, or a position the objective leaves unscored.
    case ignored = 0
    /// Replaced by [MASK]; the target is the clean token.
    case masked = 1
    /// Replaced by another ordinary token; the target is the clean (original) token.
    case substituted = 2
    /// Left as it was but scored: the target is the token already there.
    case kept = 3

    /// Name used in logs, train state and model cards.
    public var name: String {
        switch self {
        case .ignored: "ignored"
        case .masked: "masked"
        case .substituted: "substituted"
        case .kept: "kept"
        }
    }

    /// The kinds that carry a loss.
    public static let scored: [PositionKind] = [.masked, .substituted, .kept]
}

/// One corrupted sequence: the model's input, the clean targets, and how each position is scored.
public struct CorruptedSequence: Sendable, Equatable {
    /// What the model sees.
    public var input: [TokenID]
    /// The clean sequence (the target at every scored position).
    public var labels: [TokenID]
    /// Loss weight per position; 0 wherever `kinds` is `.ignored`.
    public var weights: [Float]
    public var kinds: [PositionKind]
    /// The noise level drawn for this sequence (the selection rate for `bert`).
    public var noiseLevel: Double

    public init(input: [TokenID], labels: [TokenID], weights: [Float], kinds: [PositionKind], noiseLevel: Double) {
        self.input = input; self.labels = labels; self.weights = weights; self.kinds = kinds; self.noiseLevel = noiseLevel
    }
}
