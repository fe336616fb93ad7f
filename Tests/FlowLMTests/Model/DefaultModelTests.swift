import Foundation
import Testing
@testable import FlowLM

/// `flowlm` run from outside the repository still finds the shipped model beside the binary it was built as,
/// through SwiftPM's `.build/release → .build/<triple>/release` symlink.
@Suite struct DefaultModelTests {
    @Test func foundBesideTheBuiltBinaryThroughTheBuildSymlink() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flowlm-default-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let repository = root.appendingPathComponent("repo"), elsewhere = root.appendingPathComponent("elsewhere")
        let model = repository.appendingPathComponent("checkpoints/\(DefaultModel.name)")
        let products = repository.appendingPathComponent(".build/x86_64-unknown-linux-gnu/release")
        for folder in [model, products, elsewhere] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        try Data().write(to: products.appendingPathComponent("flowlm"))
        try FileManager.default.createSymbolicLink(atPath: repository.appendingPathComponent(".build/release").path,
                                                   withDestinationPath: "x86_64-unknown-linux-gnu/release")
        let binary = repository.appendingPathComponent(".build/release/flowlm")

        let found = try DefaultModel.directory(environment: [:], executable: binary, workingDirectory: elsewhere)
        #expect(found.resolvingSymlinksInPath().path == model.resolvingSymlinksInPath().path)

        let overridden = try DefaultModel.directory(environment: ["FLOWLM_MODEL": "/x/y"], executable: binary,
                                                workingDirectory: elsewhere)
        #expect(overridden.path == "/x/y")
        // Nowhere to be found: an error that says where it looked and what to do.
        let stray = root.appendingPathComponent("stray/flowlm")
        let notFound = DefaultModel.NotFound(workingDirectory: elsewhere.path,
                                             executable: stray.deletingLastPathComponent().path)
        #expect(throws: notFound) {
            try DefaultModel.directory(environment: [:], executable: stray, workingDirectory: elsewhere)
        }
    }
}
