import FlowCore
import Foundation
import Testing
@testable import FlowDiffusion

/// Plain low-confidence remasking written from the LLaDA paper's algorithm, independently of the loop:
/// per block, per step, predict every mask by argmax, score it by p, keep the n most confident
/// (LLaDA's even split of the block's masks over its steps), leave the rest masked.
private func naiveLowConfidenceRemasking(canvas start: [TokenID], editable: [Int], vocabularySize: Int,
                                         steps: Int, blockLength: Int, temperature: Double,
                                         logits: ([TokenID]) -> [Float]) -> [[TokenID]] {
    var canvas = start
    var snapshots: [[TokenID]] = []
    let length = blockLength > 0 ? blockLength : editable.count
    let blocks = stride(from: 0, to: editable.count, by: length).map { Array(editable[$0..<min($0 + length, editable.count)]) }
    for (b, block) in blocks.enumerated() {
        let blockSteps = steps / blocks.count + (b < steps % blocks.count ? 1 : 0)
        let masks = block.count
        let counts = (0..<blockSteps).map { masks / blockSteps + ($0 < masks % blockSteps ? 1 : 0) }
        for count in counts {
            let stillMasked = block.filter { canvas[$0] == testSpecials.mask }
            if stillMasked.isEmpty { break }
            let scores = logits(canvas)
            var proposals: [(position: Int, token: TokenID, p: Double)] = []
            for position in stillMasked {
                let row = Array(scores[(position * vocabularySize)..<((position + 1) * vocabularySize)])
                var best = -1
                var denominator = 0.0
                let top = row.enumerated().filter { !testSpecials.isReserved(TokenID($0.offset)) }.map(\.element).max()!
                for (id, value) in row.enumerated() where !testSpecials.isReserved(TokenID(id)) {
                    denominator += exp((Double(value) - Double(top)) / temperature)
                    if best < 0 || value > row[best] { best = id }
                }
                let p = exp((Double(row[best]) - Double(top)) / temperature) / denominator
                proposals.append((position, TokenID(best), p))
            }
            proposals.sort { $0.p != $1.p ? $0.p > $1.p : $0.position < $1.position }
            for chosen in proposals.prefix(count) { canvas[chosen.position] = chosen.token }
            snapshots.append(canvas)
        }
    }
    return snapshots
}

/// 12 seeds per shape by default (debug builds are slow); FLOWLM_SLOW_TESTS=1 runs 200.
private let seedCount: UInt64 = ProcessInfo.processInfo.environment["FLOWLM_SLOW_TESTS"] == "1" ? 200 : 12

@Suite struct LLaDAReferenceTests {
    @Test(arguments: [(steps: 8, length: 8, block: 0), (12, 10, 0), (4, 16, 0), (8, 16, 4), (9, 12, 4), (6, 13, 5)])
    func lladaModeEqualsPlainLowConfidenceRemasking(steps: Int, length: Int, block: Int) throws {
        for seed in UInt64(0)..<seedCount {
            let vocabulary = 40
            let script = randomLogits(seed: seed, vocabularySize: vocabulary)
            let canvas = try makeCanvas(answer: length)
            let temperature = [0.5, 1.0, 2.0][Int(seed % 3)]
            let denoiser = ScriptedDenoiser(vocabularySize: vocabulary, script: script)
            var settings = knobs(.llada, steps: steps, length: length) { $0.blockLength = block; $0.temperature = temperature }
            settings.seed = seed
            let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
            let loop = try refiner.run().map(\.after)
            let reference = naiveLowConfidenceRemasking(
                canvas: canvas.tokens, editable: canvas.editablePositions, vocabularySize: vocabulary,
                steps: steps, blockLength: block, temperature: temperature, logits: script)
            #expect(loop == reference, "seed \(seed)")
            #expect(refiner.isFinished)
            #expect(refiner.canvas.maskedCount == 0)
        }
    }
}
