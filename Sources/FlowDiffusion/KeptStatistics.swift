import FlowCore

/// What re-planning a recorded step needs instead of its logits: the row statistics at the step's temperature
/// (top-k ids and logits, maximum, normaliser, entropy) and the logit of each position's token before the step.
/// About rows × (12k + 24) bytes, against rows × V × 4 for the logits: 40 kB instead of 100 MB at 512 positions,
/// top-5, vocabulary 50k. A plan reads nothing else when the temperature, top-k and confidence measure are the
/// ones the statistics were made with, proposals are the argmax, and no user force waits; any other re-plan
/// runs a forward pass.
struct KeptStatistics {
    let statistics: RowStatistics
    let temperature: Double
    let entropy: Bool
    /// The tokens before the step, and each one's logit (0 for masks and reserved ids).
    let currentTokens: [TokenID]
    let currentLogits: [Float]

    init(statistics: RowStatistics, knobs: SamplerKnobs, tokens: [TokenID], logits: LogitMatrix) {
        self.statistics = statistics
        temperature = knobs.temperature
        entropy = knobs.confidence == .negativeEntropy
        currentTokens = tokens
        let v = logits.vocabularySize, special = statistics.special
        currentLogits = tokens.indices.map { r in
            let token = tokens[r]
            return token >= 0 && Int(token) < v && !special.isReserved(token) ? logits.values[r * v + Int(token)] : 0
        }
    }

    var byteCount: Int { currentTokens.count * (statistics.k * 12 + 24) }

    /// Whether planning `state` under `knobs` reads only what is kept.
    func covers(_ knobs: SamplerKnobs, state: LoopState) -> Bool {
        knobs.temperature == temperature && max(knobs.topK, 2) == statistics.k
            && (entropy || knobs.confidence != .negativeEntropy) && knobs.proposal == .argmax
            && state.pendingForces.isEmpty && state.canvas.tokens == currentTokens
    }

    /// p(token) at `row` as `RowStatistics.probability(row:token:in:)` gives it from the logits; nil when the
    /// token is neither the current one nor among the kept candidates.
    func probability(row r: Int, token: TokenID) -> Float? {
        guard token >= 0, Int(token) < statistics.vocabularySize, !statistics.special.isReserved(token) else { return 0 }
        let k = statistics.k
        let logit: Float
        if token == currentTokens[r] {
            logit = currentLogits[r]
        } else if let j = (0..<k).first(where: { statistics.topIds[r * k + $0] == token }) {
            logit = statistics.topLogits[r * k + j]
        } else {
            return nil
        }
        return RowStatistics.probability(logit, max: statistics.maxLogit[r], inverseT: statistics.inverseTemperature,
                                         sum: statistics.normalizer[r])
    }
}

/// Counts the probabilities a plan from kept statistics could not answer (then the plan is redone from logits).
final class PlanningMisses {
    var count = 0
}

/// Kept statistics by step node, oldest evicted first beyond a byte budget.
struct KeptStatisticsStore {
    var budget: Int
    private var entries: [Int: KeptStatistics] = [:]
    private var order: [Int] = []
    private(set) var bytes = 0

    init(budget: Int) { self.budget = budget }

    subscript(node: Int) -> KeptStatistics? { entries[node] }

    mutating func keep(_ kept: KeptStatistics, for node: Int) {
        remove(node)
        entries[node] = kept
        order.append(node)
        bytes += kept.byteCount
        while bytes > budget, let oldest = order.first {
            remove(oldest)
        }
    }

    mutating func remove(_ node: Int) {
        guard let old = entries.removeValue(forKey: node) else { return }
        bytes -= old.byteCount
        order.removeAll { $0 == node }
    }

    mutating func retain(_ nodes: Set<Int>) {
        for node in entries.keys where !nodes.contains(node) { remove(node) }
    }
}
