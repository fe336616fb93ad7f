import FlowCore
import FlowDiffusion
import Foundation
import Testing
@testable import FlowLM

@Suite struct PseudoLikelihoodTests {
    /// Each position's score is the log-softmax (MASK left out) of the true token with that position masked,
    /// batched or not.
    @Test func scoresEachPositionMaskedInTurn() throws {
        let model = try LoadedModel(directory: TinyModel.write(), threads: 1)
        let denoiser = model.denoiser
        let specials = denoiser.specialTokens
        let canvas = [specials.cls] + model.encode("abcab") + [specials.sep]
        let positions = Array(1..<(canvas.count - 1))
        let batched = try PseudoLikelihood.score(canvas: canvas, positions: positions, denoiser: denoiser, batch: 2)
        let single = try PseudoLikelihood.score(canvas: canvas, positions: positions, denoiser: denoiser, batch: 1)
        #expect(zip(batched.perPosition, single.perPosition).allSatisfy { abs($0 - $1) < 1e-5 })
        for (p, score) in zip(positions, batched.perPosition) {
            var masked = canvas
            masked[p] = specials.mask
            let row = try denoiser.logits(for: [masked])[0]
            let others = (0..<row.vocabularySize).filter { $0 != Int(specials.mask) }.map { Double(row[p, $0]) }
            let top = others.max()!
            let expected = Double(row[p, Int(canvas[p])]) - top - log(others.map { exp($0 - top) }.reduce(0, +))
            #expect(abs(score - expected) < 1e-6)
            #expect(score < 0)
        }
        #expect(abs(batched.mean - batched.perPosition.reduce(0, +) / Double(positions.count)) < 1e-12)
        #expect(throws: DiffusionError.self) { try PseudoLikelihood.score(canvas: canvas, positions: [99], denoiser: denoiser) }
    }
}
