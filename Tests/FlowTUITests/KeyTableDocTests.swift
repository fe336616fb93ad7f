import Foundation
import Testing
@testable import FlowTUI

/// docs/KEYS.md is generated from the KeyMap (the README links to it); this keeps the two in step.
/// Regenerate with `FLOWLM_RECORD_SNAPSHOTS=1 swift test --filter KeyTableDocTests`.
@Suite struct KeyTableDocTests {
    @Test func keysDocumentMatchesTheKeyMap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/KEYS.md")
        let expected = "# Keys\n\nGenerated from `KeyMap.bindings` (Sources/FlowTUI/Keys/KeyMap.swift); "
            + "the footer and the `?` help overlay show the same rows.\n\n" + KeyMap.markdownTable() + "\n"
        if ProcessInfo.processInfo.environment["FLOWLM_RECORD_SNAPSHOTS"] == "1" {
            try expected.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let stored = try String(contentsOf: url, encoding: .utf8)
        #expect(stored == expected, "docs/KEYS.md is stale: regenerate it (see the suite's comment)")
    }

    /// The README carries the same table between its `keys:begin` / `keys:end` markers.
    @Test func readmeKeyTableMatchesTheKeyMap() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- keys:begin -->\n"))
        let end = try #require(readme.range(of: "\n<!-- keys:end -->"))
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == KeyMap.markdownTable(),
                "README's key table is stale: copy KeyMap.markdownTable() between the markers")
    }
}
