import Foundation
import Testing
@testable import FlowLM
import FlowTestSupport

/// `--model org/name` finds a snapshot in the local Hugging Face cache, offline.
@Suite struct ModelLocatorTests {
    /// A fake cache holding `models--org--tiny` with two snapshots; `refs/main` names the older one when given.
    static func cache(refMain: String?) throws -> URL {
        let root = FixturePath.temporaryDirectory("flowlm-hf-cache")
        let repository = root.appendingPathComponent("hub/models--org--tiny")
        for (k, revision) in ["aaaa1111", "bbbb2222"].enumerated() {
            let snapshot = repository.appendingPathComponent("snapshots/\(revision)")
            try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: snapshot.appendingPathComponent("config.json"))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(k) * 1000)],
                                                  ofItemAtPath: snapshot.path)
        }
        if let refMain {
            try FileManager.default.createDirectory(at: repository.appendingPathComponent("refs"), withIntermediateDirectories: true)
            try Data((refMain + "\n").utf8).write(to: repository.appendingPathComponent("refs/main"))
        }
        return root
    }

    @Test func followsRefsMainElseTakesTheNewestSnapshot() throws {
        let pinned = try Self.cache(refMain: "aaaa1111")
        defer { try? FileManager.default.removeItem(at: pinned) }
        let locator = ModelLocator(environment: ["HF_HOME": pinned.path], home: pinned)
        #expect(try locator.directory("org/tiny").lastPathComponent == "aaaa1111")

        let unpinned = try Self.cache(refMain: nil)
        defer { try? FileManager.default.removeItem(at: unpinned) }
        #expect(try ModelLocator(environment: ["HF_HUB_CACHE": unpinned.appendingPathComponent("hub").path], home: pinned)
            .directory("org/tiny").lastPathComponent == "bbbb2222")
    }

    @Test func homeCacheIsTheLastPlaceLooked() throws {
        let home = FixturePath.temporaryDirectory("flowlm-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let cache = try Self.cache(refMain: nil)
        defer { try? FileManager.default.removeItem(at: cache) }
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".cache/huggingface"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: cache.appendingPathComponent("hub"), to: home.appendingPathComponent(".cache/huggingface/hub"))
        #expect(try ModelLocator(environment: [:], home: home).directory("org/tiny").lastPathComponent == "bbbb2222")
    }

    @Test func missingModelListsWhereItLooked() throws {
        let home = FixturePath.temporaryDirectory("flowlm-home")
        defer { try? FileManager.default.removeItem(at: home) }
        let locator = ModelLocator(environment: ["HF_HUB_CACHE": "/nowhere/hub", "HF_HOME": "/elsewhere"], home: home)
        let error = #expect(throws: ModelLocator.NotFound.self) { try locator.directory("org/absent") }
        #expect(error?.cacheFolders == ["/nowhere/hub", "/elsewhere/hub", home.appendingPathComponent(".cache/huggingface/hub").path])
        #expect(error?.description.contains("never downloads") == true)
        // A path that cannot be a hub id is just a missing folder.
        let path = #expect(throws: ModelLocator.NotFound.self) { try locator.directory("./no/such/dir") }
        #expect(path?.cacheFolders == [])
    }

    @Test func existingFoldersWinOverHubIDs() throws {
        let folder = FixturePath.temporaryDirectory("flowlm-local")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try ModelLocator(environment: [:]).directory(folder.path) == URL(fileURLWithPath: folder.path))
        #expect(ModelLocator.isHubID("answerdotai/ModernBERT-base"))
        #expect(ModelLocator.isHubID("bert-base-uncased"))
        for path in ["/abs/path", "a/b/c", "../x", "./x", "a/", "a b/c", "-rf/x"] { #expect(!ModelLocator.isHubID(path), "\(path)") }
    }
}
