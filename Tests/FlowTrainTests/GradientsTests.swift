import Foundation
import Testing
import FlowCore
@testable import FlowTrain

struct GradientsTests {
    @Test func clippingScalesToTheLimitOnlyWhenAbove() {
        var g: [Float] = [3, 4]
        let norm = GradientClipping.clip(&g, maxNorm: 1)
        #expect(norm == 5)
        #expect(abs(GradientClipping.globalNorm(g) - 1) < 1e-5)
        var small: [Float] = [0.3, 0.4]
        #expect(abs(GradientClipping.clip(&small, maxNorm: 1) - 0.5) < 1e-7)
        #expect(small == [0.3, 0.4])
        var bad: [Float] = [.nan, 1]
        #expect(GradientClipping.clip(&bad, maxNorm: 1).isNaN && bad[1] == 1)
    }

    @Test func accumulationEqualsOneBigBatch() throws {
        // d loss/d logits of two half-batches, accumulated, equals that of the whole batch.
        let rows = 8, vocabulary = 7
        var rng = FlowRandom(seed: 8)
        let logits = (0..<(rows * vocabulary)).map { _ in Float(rng.nextGaussian()) }
        let labels = (0..<rows).map { _ in TokenID(5 + rng.nextInt(below: 2)) }
        let weights = (0..<rows).map { _ in 0.5 + rng.nextFloat() }
        let kinds: [PositionKind] = [.masked, .kept, .ignored, .substituted, .masked, .masked, .kept, .ignored]
        func gradient(_ r: Range<Int>) throws -> (CrossEntropyResult, [Float]) {
            var padded = [Float](repeating: 0, count: rows * vocabulary)
            let (result, g) = try WeightedCrossEntropy.compute(
                logits: Array(logits[(r.lowerBound * vocabulary)..<(r.upperBound * vocabulary)]), vocabularySize: vocabulary,
                labels: Array(labels[r]), weights: Array(weights[r]), kinds: Array(kinds[r]), excludedToken: 4, wantGradient: true)
            padded.replaceSubrange((r.lowerBound * vocabulary)..<(r.upperBound * vocabulary), with: g)
            return (result, padded)
        }
        let (whole, expected) = try gradient(0..<rows)
        var accumulator = GradientAccumulator(parameterCount: rows * vocabulary)
        var metrics = KindMetrics()
        for half in [0..<3, 3..<rows] {
            let (r, g) = try gradient(half)
            accumulator.add(g, weightSum: r.weightSum)
            metrics.add(r, labels: Array(labels[half]), kinds: Array(kinds[half]), weights: Array(weights[half]))
        }
        #expect(accumulator.microBatches == 2)
        let combined = accumulator.finish()
        #expect(zip(combined, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(abs(metrics.objectiveLoss! - Double(whole.loss)) < 1e-6)
        #expect(accumulator.totalWeight == 0 && accumulator.sum.allSatisfy { $0 == 0 }, "finish resets")
    }
}
