import FlowCore

/// A problem with a model directory, its config.json or its weights: names the file and, where there is
/// one, the key or tensor at fault.
public struct ModelFileError: FlowLMError, Equatable {
    public enum Kind: Equatable, Sendable {
        case missingFile
        case unreadableFile
        case invalidJSON
        case missingKey(String)
        case invalidValue(key: String)
        case unsupported(key: String)
        case missingTensor(String)
        case wrongShape(String)
        case wrongDType(String)
        case unexpectedTensor(String)
    }

    public let path: String
    public let kind: Kind
    public let detail: String

    public init(path: String, kind: Kind, detail: String) {
        self.path = path; self.kind = kind; self.detail = detail
    }

    public var description: String { "\(path): \(detail)" }
}

/// Input a caller handed to the model that it cannot run (token ids out of range, a ragged batch).
public struct ModelInputError: FlowLMError, Equatable {
    public let problem: String
    public init(_ problem: String) { self.problem = problem }
    public var description: String { "model input: \(problem)" }
}
