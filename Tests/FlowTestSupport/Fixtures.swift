import Foundation

/// Locates committed golden files under Fixtures/ from any test, independent of the working directory.
public enum FixturePath {
    public static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("Fixtures")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) { return candidate }
        }
        return URL(fileURLWithPath: "Fixtures")
    }

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// A fresh empty directory for one test's files.
    public static func temporaryDirectory(_ label: String = "flowlm-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
