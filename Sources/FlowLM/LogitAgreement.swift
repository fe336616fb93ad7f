import FlowCore

/// How closely one set of logits follows a reference (bf16 against fp32): at how many positions the argmax (the
/// lowest id on ties) is the same, and the largest |Δlogit| anywhere. Accumulates over forward passes.
public struct LogitAgreement: Sendable, Equatable {
    public private(set) var positions = 0
    public private(set) var agreeing = 0
    public private(set) var maxAbsDifference: Float = 0
    /// Over the positions that disagree, the largest lead the reference's argmax has over the other's choice, in
    /// the reference's logits: how near a tie every flipped position was (0 when none flipped).
    public private(set) var maxFlippedLead: Float = 0

    public init() {}

    /// Rows of `vocabularySize` logits each, the same count in both.
    public init(reference: UnsafeBufferPointer<Float>, other: UnsafeBufferPointer<Float>, vocabularySize: Int) {
        add(reference: reference, other: other, vocabularySize: vocabularySize)
    }

    /// Counts `rows` (nil: every row) of the two sets of logits.
    public mutating func add(reference: UnsafeBufferPointer<Float>, other: UnsafeBufferPointer<Float>, vocabularySize: Int,
                             rows: [Int]? = nil) {
        precondition(reference.count == other.count && reference.count % vocabularySize == 0,
                     "LogitAgreement: logits of different shapes")
        for row in rows ?? Array(0..<(reference.count / vocabularySize)) {
            let start = row * vocabularySize
            var bestReference = start, bestOther = start
            for index in start..<(start + vocabularySize) {
                if reference[index] > reference[bestReference] { bestReference = index }
                if other[index] > other[bestOther] { bestOther = index }
                maxAbsDifference = max(maxAbsDifference, abs(reference[index] - other[index]))
            }
            positions += 1
            if bestReference == bestOther {
                agreeing += 1
            } else {
                maxFlippedLead = max(maxFlippedLead, reference[bestReference] - reference[bestOther])
            }
        }
    }

    /// Agreeing positions over all positions (1 when none were counted).
    public var fraction: Double { positions == 0 ? 1 : Double(agreeing) / Double(positions) }

    var jsonFields: [(key: String, value: JSONValue)] {
        [("positions", .number(String(positions))), ("argmax_agreement", .number(String(format: "%.5f", fraction))),
         ("max_abs_logit_difference", .number(String(format: "%.5g", Double(maxAbsDifference)))),
         ("max_flipped_lead", .number(String(format: "%.5g", Double(maxFlippedLead))))]
    }
}
