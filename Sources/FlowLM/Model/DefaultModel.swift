import FlowCore
import Foundation

/// Where `flowlm` with no arguments finds its model: $FLOWLM_MODEL, else checkpoints/shakespeare-flowlm in
/// the working directory, else in the repository the binary was built in, found by walking up from the
/// executable (.build/release is a symlink to .build/<triple>/release, so the depth is not fixed).
public enum DefaultModel {
    public static let name = "shakespeare-flowlm"
    public static let prompt = "Romeo.\nBut soft! what light through yonder window breaks?\n"

    public struct NotFound: FlowLMError, Equatable {
        public let workingDirectory: String
        public let executable: String
        public var description: String {
            "no --model given, and checkpoints/\(DefaultModel.name) is neither in \(workingDirectory) nor above "
                + "\(executable); pass --model DIR or set FLOWLM_MODEL"
        }
    }

    /// The default model's directory, or `NotFound` naming where it looked.
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 executable: URL? = Bundle.main.executableURL,
                                 workingDirectory: URL? = nil) throws -> URL {
        if let path = environment["FLOWLM_MODEL"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let here = workingDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let local = here.appendingPathComponent("checkpoints/\(name)")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        let binary = executable ?? URL(fileURLWithPath: CommandLine.arguments[0])
        for start in [binary, binary.resolvingSymlinksInPath()] {
            var folder = start.deletingLastPathComponent()
            for _ in 0..<5 {
                let candidate = folder.appendingPathComponent("checkpoints/\(name)")
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
        }
        throw NotFound(workingDirectory: here.path, executable: binary.deletingLastPathComponent().path)
    }
}
