import FlowCore
import FlowDiffusion
import FlowTestSupport
import Foundation
import Testing
@testable import FlowLM

/// A few seconds of the soak (`flowlm bench soak` runs it for 30 minutes): the real app loop, a tiny model,
/// random keys and resizes. It must run to the end and quit cleanly with q, and keep the branch cap.
@Suite struct SoakRunTests {
    @Test func randomKeysAndResizesForAFewSecondsQuitCleanly() throws {
        let loaded = try LoadedModel(directory: TinyModel.write(), threads: 1)
        var knobs = SamplerKnobs()
        knobs.answerLength = 12
        knobs.steps = 6
        let options = TUIOptions(model: loaded.tuiModel, prompt: "abc", knobs: knobs)
        let report = SoakRun.run(options, seconds: 3, seed: 7, sampleEvery: 1)
        #expect(report.exitStatus == 0)
        #expect(report.keys > 20 && report.frames > report.keys / 2)
        #expect(report.residentMegabytes.count >= 3 && report.residentMegabytes.allSatisfy { $0.megabytes > 0 })
        #expect(report.branches <= 16)
    }
}
