import Foundation

/// Where `flowlm` with no arguments finds its model: $FLOWLM_MODEL, else checkpoints/shakespeare-flowlm in
/// the working directory, else beside the repository the binary was built in (.build/<config>/flowlm).
public enum DefaultModel {
    public static let name = "shakespeare-flowlm"
    public static let prompt = "Romeo.\nBut soft! what light through yonder window breaks?\n"

    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["FLOWLM_MODEL"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let local = URL(fileURLWithPath: "checkpoints/\(name)")
        if FileManager.default.fileExists(atPath: local.path) { return local }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let repository = executable.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let beside = repository.appendingPathComponent("checkpoints/\(name)")
        return FileManager.default.fileExists(atPath: beside.path) ? beside : local
    }
}
