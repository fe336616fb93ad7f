/// Every error FlowLM shows a user: one line that names the file (when there is one) and the problem.
/// The CLI prints `description` and exits non-zero; nothing in the library traps on bad input.
public protocol FlowLMError: Error, CustomStringConvertible {}

/// A problem with a named file, for parsers that have no richer error of their own.
public struct FileProblem: FlowLMError, Equatable {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) { self.path = path; self.problem = problem }
    public var description: String { "\(path): \(problem)" }
}
