/// Which per-row softmax statistics a model should gather while it writes its logits (the refinement
/// loop's request, served by the engine's last GEMM; see docs/DECISIONS.md, "Per-step cost").
public struct SoftmaxSummaryRequest: Sendable, Hashable {
    public var temperature: Float
    /// Candidates per row, best first.
    public var candidates: Int
    /// Ids left out of everything (the reserved tokens), ascending.
    public var excluded: [TokenID]
    /// Whether Σ e^z·z is gathered too (entropy).
    public var weighted: Bool

    public init(temperature: Float, candidates: Int, excluded: [TokenID], weighted: Bool) {
        self.temperature = temperature; self.candidates = candidates
        self.excluded = Array(Set(excluded)).sorted(); self.weighted = weighted
    }
}

/// What was gathered, per row over the non-excluded ids, with z = (x − max) / temperature: the maximum,
/// Σ e^z, Σ e^z·z (0 unless requested), and the best `request.candidates` ids and logits (id −1 pads rows
/// with fewer ids).
public struct SoftmaxSummaries: Sendable, Equatable {
    public let request: SoftmaxSummaryRequest
    public let rows: Int
    public var maxima: [Float]
    public var sums: [Float]
    public var weightedSums: [Float]
    /// [rows, candidates].
    public var candidateIDs: [TokenID]
    public var candidateLogits: [Float]

    public init(request: SoftmaxSummaryRequest, rows: Int, maxima: [Float], sums: [Float], weightedSums: [Float],
                candidateIDs: [TokenID], candidateLogits: [Float]) {
        precondition(maxima.count == rows && sums.count == rows && weightedSums.count == rows
                     && candidateIDs.count == rows * request.candidates && candidateLogits.count == candidateIDs.count,
                     "SoftmaxSummaries: arrays do not match \(rows) rows")
        self.request = request; self.rows = rows; self.maxima = maxima; self.sums = sums
        self.weightedSums = weightedSums; self.candidateIDs = candidateIDs; self.candidateLogits = candidateLogits
    }

    /// Rows `range` only (one canvas of a batch).
    public func slice(_ range: Range<Int>) -> SoftmaxSummaries {
        let k = request.candidates
        return SoftmaxSummaries(request: request, rows: range.count, maxima: Array(maxima[range]), sums: Array(sums[range]),
                                weightedSums: Array(weightedSums[range]),
                                candidateIDs: Array(candidateIDs[(range.lowerBound * k)..<(range.upperBound * k)]),
                                candidateLogits: Array(candidateLogits[(range.lowerBound * k)..<(range.upperBound * k)]))
    }
}
