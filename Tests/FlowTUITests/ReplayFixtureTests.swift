import FlowDiffusion
import FlowTestSupport
import Foundation
import Testing
@testable import FlowTUI

/// Fixtures/tui/replay.jsonl is the trace Tools/tui_e2e.sh replays in tmux (no model needed). It is
/// written by this test from the scripted denoiser, so it is reproducible; the test fails when a change
/// to the loop or the trace format would make the committed file stale.
/// Regenerate with `FLOWLM_RECORD_SNAPSHOTS=1 swift test --filter ReplayFixtureTests`.
@Suite struct ReplayFixtureTests {
    @Test func committedReplayTraceIsCurrent() throws {
        var knobs = ScriptedDenoiser.knobs
        knobs.answerLength = 40
        knobs.steps = 16
        let driver = try RefinerDriver.start(prompt: "the mind is", knobs: knobs, denoiser: ScriptedDenoiser(),
                                             encode: ScriptedDenoiser.encode)
        let steps = try driver.refiner.run()
        #expect(steps.count >= knobs.steps)
        let document = TraceWriter.document(driver.refiner.trace(model: "scripted"))
        let url = FixturePath.url("tui/replay.jsonl")
        if ProcessInfo.processInfo.environment["FLOWLM_RECORD_SNAPSHOTS"] == "1" {
            try document.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let stored = try String(contentsOf: url, encoding: .utf8)
        #expect(stored == document, "Fixtures/tui/replay.jsonl is stale: regenerate it (see the suite's comment)")
        #expect(try TraceReader.parse(Array(stored.utf8), path: url.path).steps.count == steps.count)
    }
}
