import Testing
@testable import FlowTUI

@Suite struct RenderBenchmarkTests {
    @Test func measuresFramesAndReportsJSON() {
        let result = RenderBenchmark.run(tokens: 64, width: 80, height: 24, frames: 3)
        #expect(result.frames == 3 && result.meanMilliseconds > 0 && result.meanChangedCells > 0)
        #expect(result.json.serialized.contains("\"benchmark\":\"render\""))
    }
}
