import Foundation
import Testing
@testable import FlowDiffusion

@Suite struct RefinementBenchmarkTests {
    @Test func smallBenchmarkReportsPositiveTimes() throws {
        let result = try RefinementBenchmark.measureStep(positions: 16, vocabularySize: 64, samples: 3)
        #expect(result.samples == 3)
        #expect(result.minimumMilliseconds > 0)
        #expect(result.minimumMilliseconds <= result.medianMilliseconds)
    }

    /// The real measurement (512 × 50k); meaningful only in a release build:
    /// `FLOWLM_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter fullSizeStep`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FLOWLM_BENCH"] == "1"))
    func fullSizeStep() throws {
        for vocabulary in [2048, 8192, 50_000] {
            let result = try RefinementBenchmark.measureStep(positions: 512, vocabularySize: vocabulary, samples: 30)
            print("step planning 512x\(vocabulary): median \(result.medianMilliseconds) ms, min \(result.minimumMilliseconds) ms, cpu \(result.cpuMillisecondsPerStep) ms/step, \(result.threads) threads")
            #expect(result.medianMilliseconds > 0)
        }
    }
}
