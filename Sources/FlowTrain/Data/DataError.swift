import FlowCore

/// A problem with training data, naming the file and, when known, the line and byte offset.
public struct DataError: FlowLMError, Equatable {
    public let path: String
    public let line: Int?
    public let byteOffset: Int?
    public let problem: String

    public init(path: String, line: Int? = nil, byteOffset: Int? = nil, _ problem: String) {
        self.path = path; self.line = line; self.byteOffset = byteOffset; self.problem = problem
    }

    public var description: String {
        var where_ = path
        if let line { where_ += ":\(line)" }
        if let byteOffset { where_ += " (byte \(byteOffset))" }
        return "\(where_): \(problem)"
    }
}

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

/// Which examples go to validation: every `period`-th one (index % period == period − 1), so the split
/// is fixed by the data alone. With fewer than `period` examples but at least 2, the last one is held out.
public struct ValidationSplit: Sendable, Equatable, Codable {
    public var period: Int
    public init(period: Int = 20) { self.period = max(2, period) }

    public func isValidation(index: Int, count: Int) -> Bool {
        if count < period { return count >= 2 && index == count - 1 }
        return index % period == period - 1
    }

    public func split<T>(_ items: [T]) -> (train: [T], validation: [T]) {
        var train: [T] = [], validation: [T] = []
        for (i, item) in items.enumerated() {
            if isValidation(index: i, count: items.count) { validation.append(item) } else { train.append(item) }
        }
        return (train, validation)
    }
}
