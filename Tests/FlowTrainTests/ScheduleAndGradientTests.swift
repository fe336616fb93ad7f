import Foundation
import Testing
import FlowCore
@testable import FlowTrain

struct ScheduleAndGradientTests {
    @Test func warmupThenCosineReachesTheFloor() {
        let s = LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110, decay: .cosine, finalRatio: 0.1)
        #expect(abs(s.learningRate(atStep: 0) - 1e-4) < 1e-15)
        #expect(abs(s.learningRate(atStep: 9) - 1e-3) < 1e-15)
        #expect(abs(s.learningRate(atStep: 10) - 1e-3) < 1e-15)
        #expect(abs(s.learningRate(atStep: 60) - 0.55e-3) < 1e-12, "half-way down the cosine")
        #expect(abs(s.learningRate(atStep: 110) - 1e-4) < 1e-15)
        #expect(abs(s.learningRate(atStep: 500) - 1e-4) < 1e-15, "stays at the floor past the end")
        for step in 10..<110 { #expect(s.learningRate(atStep: step + 1) <= s.learningRate(atStep: step)) }
    }

    @Test func linearAndConstantDecay() {
        let linear = LearningRateSchedule(peak: 2, warmupSteps: 0, totalSteps: 100, decay: .linear, finalRatio: 0)
        #expect(linear.learningRate(atStep: 0) == 2)
        #expect(abs(linear.learningRate(atStep: 25) - 1.5) < 1e-12)
        #expect(linear.learningRate(atStep: 100) == 0)
        let constant = LearningRateSchedule(peak: 3, warmupSteps: 4, totalSteps: 10, decay: .constant)
        #expect(constant.learningRate(atStep: 1) == 1.5 && constant.learningRate(atStep: 9) == 3)
    }

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
