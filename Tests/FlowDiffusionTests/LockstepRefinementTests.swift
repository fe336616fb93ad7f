import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct LockstepRefinementTests {
    /// Batched over many refiners, every refiner takes exactly the steps it takes alone.
    @Test(arguments: [1, 3, 64])
    func lockstepMatchesRunningEachAlone(batchSize: Int) throws {
        let denoiser = ScriptedDenoiser(vocabularySize: 24, script: randomLogits(seed: 7, vocabularySize: 24))
        var configurations: [(Canvas, SamplerKnobs)] = []
        for i in 0..<9 {
            var knobs = i % 3 == 0 ? SamplerKnobs.llada : SamplerKnobs()
            knobs.steps = 2 + i % 4
            knobs.answerLength = 3 + i
            knobs.seed = UInt64(i)
            knobs.proposal = i % 2 == 0 ? .argmax : .sample
            knobs.tauEdit = 0.2
            configurations.append((try makeCanvas(prompt: [TokenID(4 + i)], answer: knobs.answerLength), knobs))
        }
        let alone = try configurations.map { canvas, knobs in try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs).run() }
        let callsBefore = denoiser.calls
        let refiners = try configurations.map { canvas, knobs in try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs) }
        let together = try LockstepRefinement.run(refiners, denoiser: denoiser, batchSize: batchSize)
        #expect(together == alone)
        #expect(denoiser.calls - callsBefore == alone.reduce(0) { $0 + $1.count })
        #expect(zip(refiners, alone).allSatisfy { $0.totalForwardPasses == $1.count && $0.isFinished })
    }

    @Test func wrongLogitShapeIsAnError() throws {
        let denoiser = ScriptedDenoiser(vocabularySize: 24, script: randomLogits(seed: 1, vocabularySize: 24))
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 4), knobs: SamplerKnobs())
        let tokens = try #require(refiner.canvasNeedingLogits)
        #expect(throws: DiffusionError.self) {
            try refiner.supplyLogits(LogitMatrix(rows: tokens.count - 1, vocabularySize: 24), for: tokens)
        }
    }
}
