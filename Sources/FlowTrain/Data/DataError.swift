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
