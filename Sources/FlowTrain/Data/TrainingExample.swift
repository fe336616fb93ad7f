import FlowCore

/// One training sequence before corruption: ids with [CLS]/[SEP] in place, and which positions the
/// objective may corrupt and score (never the prompt, never special tokens).
public struct TrainingExample: Sendable, Equatable, Codable {
    public var ids: [TokenID]
    public var editable: [Bool]

    public init(ids: [TokenID], editable: [Bool]) {
        precondition(ids.count == editable.count, "TrainingExample: ids and editable differ in length")
        self.ids = ids; self.editable = editable
    }
}

/// Turns text into ids WITHOUT special tokens ([CLS]/[SEP] are added by the data pipeline).
/// The model's tokenizer is plugged in here, e.g. `{ try tokenizer.encode($0, addSpecialTokens: false) }`.
public typealias TextEncoder = (String) throws -> [TokenID]
