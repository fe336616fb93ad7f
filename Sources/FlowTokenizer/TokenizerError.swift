import FlowCore

/// Why a tokenizer.json could not be used: one line naming the file and the offending part.
public struct TokenizerError: FlowLMError, Equatable {
    public let path: String
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }

    static func unsupported(_ path: String, _ component: String, _ type: String) -> TokenizerError {
        TokenizerError(path, "unsupported \(component) type '\(type)' (FlowLM reads byte-level BPE and WordPiece)")
    }
}
