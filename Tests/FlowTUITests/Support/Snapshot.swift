import Foundation
import Testing
@testable import FlowTUI

/// Compares a grid with `__Snapshots__/<name>.txt` (characters, then the style map). With
/// FLOWLM_RECORD_SNAPSHOTS=1 the file is (re)written instead; a missing file is written and fails once.
func assertSnapshot(_ grid: CellGrid, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = "\(grid.width)x\(grid.height)\n" + grid.textSnapshot() + "\n== styles ==\n" + grid.styleMap() + "\n"
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("__Snapshots__").appendingPathComponent("\(name).txt")
    let recording = ProcessInfo.processInfo.environment["FLOWLM_RECORD_SNAPSHOTS"] == "1"
    guard !recording, let stored = try? String(contentsOf: url, encoding: .utf8) else {
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            Issue.record("cannot write snapshot \(url.path): \(error)", sourceLocation: sourceLocation)
        }
        if !recording { Issue.record("recorded missing snapshot \(name); review and commit it", sourceLocation: sourceLocation) }
        return
    }
    if stored != text {
        let expected = stored.split(separator: "\n", omittingEmptySubsequences: false)
        let actual = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expected.count, actual.count)
        let want = line < expected.count ? String(expected[line]) : "<end>"
        let got = line < actual.count ? String(actual[line]) : "<end>"
        let message = "snapshot \(name) differs at line \(line + 1):\n  stored: \(want)\n  now:    \(got)\n"
            + "re-record with FLOWLM_RECORD_SNAPSHOTS=1 if the change is intended"
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
