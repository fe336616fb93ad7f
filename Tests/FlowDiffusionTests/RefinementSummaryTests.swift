import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct RefinementSummaryTests {
    @Test func totalsMatchTheSteps() throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 31, vocabularySize: 32))
        let settings = knobs(.flowlm, steps: 4, length: 8) { $0.tauEdit = 0.1; $0.delta = 0; $0.editGate = 0 }
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 8), knobs: settings)
        let taken = try refiner.run()
        let summary = refiner.summary
        #expect(summary.steps == taken.count)
        #expect(summary.forwardPasses == taken.count)
        #expect(summary.commits == 8 + summary.remasks)
        #expect(summary.edits == taken.reduce(0) { $0 + $1.changes(of: .edit).count })
        #expect(summary.edits > 0)
        #expect(summary.finished)
        #expect(summary.tokens == refiner.canvas.tokens)
        #expect(summary.meanConfidence > 0 && summary.meanConfidence <= 1)
    }

    @Test func aCanvasWithNothingToGenerateIsRefused() throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 1, vocabularySize: 32))
        #expect(throws: DiffusionError.self) {
            _ = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 0), knobs: knobs(steps: 1, length: 0))
        }
    }
}
