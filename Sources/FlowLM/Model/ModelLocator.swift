import Foundation
import FlowCore

/// Turns what a user passes as `--model` into a model folder: a folder that exists, else a hub id
/// (`org/name`) found offline in the local Hugging Face cache, else the default model when nothing was given.
/// Nothing is ever downloaded.
public struct ModelLocator {
    public var environment: [String: String]
    public var home: URL

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                home: URL = FileManager.default.homeDirectoryForCurrentUser) {
        self.environment = environment; self.home = home
    }

    public struct NotFound: FlowLMError, Equatable {
        public let argument: String
        public let cacheFolders: [String]
        public var description: String {
            "no model directory '\(argument)'"
                + (cacheFolders.isEmpty ? "" : ", and no snapshot of it in the Hugging Face cache (looked in "
                    + cacheFolders.joined(separator: ", ") + "); FlowLM reads the cache offline and never downloads")
        }
    }

    /// The folder for `argument`, or the default model's when it is nil.
    public func directory(_ argument: String?) throws -> URL {
        guard let argument else { return try DefaultModel.directory(environment: environment) }
        var isDirectory: ObjCBool = false
        let path = (argument as NSString).expandingTildeInPath
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return URL(fileURLWithPath: path)
        }
        guard Self.isHubID(argument) else { throw NotFound(argument: argument, cacheFolders: []) }
        let caches = cacheFolders()
        let repository = "models--" + argument.replacingOccurrences(of: "/", with: "--")
        for cache in caches {
            if let snapshot = Self.snapshot(cache.appendingPathComponent(repository)) { return snapshot }
        }
        throw NotFound(argument: argument, cacheFolders: caches.map(\.path))
    }

    /// Where the hub cache may be, in the order transformers prefers: $HF_HUB_CACHE, $HF_HOME/hub,
    /// ~/.cache/huggingface/hub (each once).
    public func cacheFolders() -> [URL] {
        var folders: [URL] = []
        if let hub = environment["HF_HUB_CACHE"], !hub.isEmpty { folders.append(URL(fileURLWithPath: hub)) }
        if let hfHome = environment["HF_HOME"], !hfHome.isEmpty {
            folders.append(URL(fileURLWithPath: hfHome).appendingPathComponent("hub"))
        }
        folders.append(home.appendingPathComponent(".cache/huggingface/hub"))
        var seen = Set<String>()
        return folders.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// `org/name` or `name`, made of the characters hub ids allow: not a path a user meant literally.
    static func isHubID(_ argument: String) -> Bool {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && !part.hasPrefix("-")
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        }
    }

    /// The snapshot `refs/main` points at, else the most recently modified one.
    static func snapshot(_ repository: URL) -> URL? {
        let files = FileManager.default
        let snapshots = repository.appendingPathComponent("snapshots")
        if let ref = try? String(contentsOf: repository.appendingPathComponent("refs/main"), encoding: .utf8) {
            let pinned = snapshots.appendingPathComponent(ref.trimmingCharacters(in: .whitespacesAndNewlines))
            if !ref.isEmpty, files.fileExists(atPath: pinned.appendingPathComponent("config.json").path) { return pinned }
        }
        let entries = (try? files.contentsOfDirectory(at: snapshots, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
        func modified(_ url: URL) -> Date {
            (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
        }
        return entries.filter { files.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
            .max { (modified($0), $0.lastPathComponent) < (modified($1), $1.lastPathComponent) }
    }
}
