import FlowCore
import FlowKernels
import FlowModel
import Foundation
import Testing
@testable import FlowLM

@Suite struct TrainBenchmarkTests {
    @Test func reportsStepTimePhasesAndPeakMemoryAsJSON() throws {
        var benchmark = TrainBenchmark(preset: .toy, batch: 1, length: 8, policy: ComputePolicy(threads: 1), repeats: 1)
        benchmark.shape.warmups = 0
        let result = try benchmark.run()
        #expect(result.medianMilliseconds > 0 && result.tokensPerSecond > 0)
        #expect(result.peakRSSMegabytes > 1)
        let phases = result.phaseMilliseconds.map(\.name)
        #expect(phases == ["forward", "loss", "backward", "optimizer"])
        #expect(result.phaseMilliseconds.reduce(0) { $0 + $1.milliseconds } <= result.medianMilliseconds * 1.001)
        let json = try JSONValue.parse(result.json)
        for key in ["median_ms", "tokens_per_s", "peak_rss_mb", "threads", "batch", "length", "backward_ms"] {
            #expect(json[key]?.doubleValue != nil, "missing \(key)")
        }
        #expect(json["engine"] == .string("flowlm"))
    }
}
