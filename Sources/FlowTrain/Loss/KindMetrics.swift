import FlowCore

/// Loss and accuracy by corruption kind, accumulated over batches (and over micro-batches of one step).
/// Per-kind losses are plain means of CE (unweighted), so they compare across objectives whatever their
/// weights; `objectiveLoss` is the weighted loss the optimiser actually minimises.
public struct KindMetrics: Sendable, Equatable, Codable {
    public struct Tally: Sendable, Equatable, Codable {
        public var positions = 0
        /// Positions whose prediction equals the clean token (a restored substitution, a kept correct token).
        public var correct = 0
        public var lossSum = 0.0
        public init() {}
    }

    /// Indexed by `PositionKind.rawValue`; the `.ignored` slot stays empty.
    public private(set) var tallies = [Tally](repeating: Tally(), count: PositionKind.allCases.count)
    public private(set) var weightedLossSum = 0.0
    public private(set) var weightSum = 0.0

    public init() {}

    public mutating func add(_ result: CrossEntropyResult, labels: [TokenID], kinds: [PositionKind], weights: [Float]) {
        precondition(labels.count == result.rowLoss.count && kinds.count == labels.count && weights.count == labels.count,
                     "KindMetrics.add: shapes disagree")
        for i in labels.indices where kinds[i] != .ignored {
            let k = Int(kinds[i].rawValue)
            tallies[k].positions += 1
            tallies[k].lossSum += Double(result.rowLoss[i])
            if result.predictions[i] == labels[i] { tallies[k].correct += 1 }
            weightedLossSum += Double(weights[i]) * Double(result.rowLoss[i])
        }
        weightSum += result.weightSum
    }

    public mutating func merge(_ other: KindMetrics) {
        for k in tallies.indices {
            tallies[k].positions += other.tallies[k].positions
            tallies[k].correct += other.tallies[k].correct
            tallies[k].lossSum += other.tallies[k].lossSum
        }
        weightedLossSum += other.weightedLossSum
        weightSum += other.weightSum
    }

    public func tally(_ kind: PositionKind) -> Tally { tallies[Int(kind.rawValue)] }

    /// Mean CE over positions of this kind; nil when there were none.
    public func meanLoss(_ kind: PositionKind) -> Double? {
        let t = tally(kind)
        return t.positions > 0 ? t.lossSum / Double(t.positions) : nil
    }

    public func accuracy(_ kind: PositionKind) -> Double? {
        let t = tally(kind)
        return t.positions > 0 ? Double(t.correct) / Double(t.positions) : nil
    }

    /// Σ w·CE / Σ w over everything added: the objective with `.sumOfWeights` normalisation.
    public var objectiveLoss: Double? { weightSum > 0 ? weightedLossSum / weightSum : nil }

    /// Mean CE over every scored position, whatever its kind.
    public var meanLossAllKinds: Double? {
        let n = PositionKind.scored.reduce(0) { $0 + tally($1).positions }
        let s = PositionKind.scored.reduce(0.0) { $0 + tally($1).lossSum }
        return n > 0 ? s / Double(n) : nil
    }
}
