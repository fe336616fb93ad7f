import Testing
@testable import FlowLM

@Suite struct EvalStatisticsTests {
    @Test func aurocCountsOrderedPairsWithTiesAsHalf() throws {
        #expect(EvalStatistics.auroc(positives: [3, 4], negatives: [1, 2]) == 1)
        #expect(EvalStatistics.auroc(positives: [1, 2], negatives: [3, 4]) == 0)
        #expect(EvalStatistics.auroc(positives: [2, 2], negatives: [2, 2]) == 0.5)
        // Pairs (p, n): (2,1) win, (2,3) loss, (4,1) win, (4,3) win → 3 of 4; a tie adds a half.
        #expect(EvalStatistics.auroc(positives: [2, 4], negatives: [1, 3]) == 0.75)
        #expect(EvalStatistics.auroc(positives: [2], negatives: [2, 1]) == 0.75)
        #expect(EvalStatistics.auroc(positives: [], negatives: [1]) == nil)
    }

    @Test func calibrationBinsAndExpectedError() throws {
        // Bin [0.2,0.3): two predictions at 0.25, one right → |0.5 − 0.25| = 0.25 with weight 2/4.
        // Bin [0.9,1.0]: 0.95 right and 1.0 right → |1 − 0.975| = 0.025 with weight 2/4.
        let (bins, ece) = EvalStatistics.calibration(confidences: [0.25, 0.25, 0.95, 1.0], correct: [true, false, true, true])
        #expect(bins.count == 10)
        #expect(bins[2].count == 2 && bins[2].accuracy == 0.5)
        #expect(bins[9].count == 2 && abs(bins[9].meanConfidence - 0.975) < 1e-12)
        #expect(abs((ece ?? -1) - (0.5 * 0.25 + 0.5 * 0.025)) < 1e-12)
        #expect(EvalStatistics.calibration(confidences: [], correct: []).ece == nil)
    }

    @Test func studentIntervalOfTheMean() throws {
        let (mean, interval) = EvalStatistics.meanWithInterval([1, 2, 3])
        #expect(mean == 2)
        let half = 4.303 / 3.0.squareRoot()  // sd 1, n 3, t(2) = 4.303
        #expect(abs((interval?.lowerBound ?? 0) - (2 - half)) < 1e-9 && abs((interval?.upperBound ?? 0) - (2 + half)) < 1e-9)
        #expect(EvalStatistics.meanWithInterval([0.4]).interval == nil)
        #expect(EvalStatistics.studentT975(degreesOfFreedom: 1) == 12.706)
        #expect(abs(EvalStatistics.studentT975(degreesOfFreedom: 1000) - 1.96) < 0.01)
    }

    @Test func entropyInBits() throws {
        #expect(EvalStatistics.entropyBits([5, 5, 5, 5]) == 2)
        #expect(EvalStatistics.entropyBits([7, 0, 0]) == 0)
        #expect(EvalStatistics.entropyBits([Int]()) == 0)
    }
}
