import Testing
import FlowCore
@testable import FlowTrain

struct KindMetricsTests {
    @Test func accumulatesLossAndAccuracyPerKind() throws {
        // Four rows over a vocabulary of 6: a masked row predicted right, a substituted row restored,
        // a kept row where the model would edit away a correct token, and an ignored row.
        let logits: [Float] = [
            0, 0, 0, 0, 0, 5,   // predicts 5; label 5 (masked): correct
            0, 0, 0, 0, 0, 4,   // predicts 5; label 5 (substituted): restored
            0, 0, 0, 0, 0, 3,   // predicts 5; label 0 (kept): wrongly edited
            9, 9, 9, 9, 9, 9,   // ignored
        ]
        let labels: [TokenID] = [5, 5, 0, 1]
        let weights: [Float] = [2, 1, 0, 0]
        let kinds: [PositionKind] = [.masked, .substituted, .kept, .ignored]
        let (r, _) = try WeightedCrossEntropy.compute(logits: logits, vocabularySize: 6, labels: labels, weights: weights,
                                                      kinds: kinds, excludedToken: 4, wantGradient: false)
        var metrics = KindMetrics()
        metrics.add(r, labels: labels, kinds: kinds, weights: weights)
        #expect(metrics.accuracy(.masked) == 1 && metrics.accuracy(.substituted) == 1 && metrics.accuracy(.kept) == 0)
        #expect(metrics.tally(.kept).positions == 1, "a kept position with weight 0 is still measured")
        #expect(metrics.tally(.ignored).positions == 0)
        #expect(abs(metrics.meanLoss(.kept)! - Double(r.rowLoss[2])) < 1e-9)
        #expect(abs(metrics.objectiveLoss! - Double(r.loss)) < 1e-6)
        var twice = metrics
        twice.merge(metrics)
        #expect(twice.tally(.masked).positions == 2 && abs(twice.objectiveLoss! - metrics.objectiveLoss!) < 1e-12)
        #expect(KindMetrics().objectiveLoss == nil && KindMetrics().accuracy(.masked) == nil)
    }
}
