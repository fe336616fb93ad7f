import Foundation

/// The statistics `flowlm eval` reports, each a plain function of numbers so tests can check it by hand.
public enum EvalStatistics {
    /// Area under the ROC curve of `score` separating positives from negatives (Mann–Whitney U with
    /// ties counted half). nil when either side is empty.
    public static func auroc(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        let labelled = (positives.map { ($0, true) } + negatives.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumOfPositives = 0.0
        var i = 0
        while i < labelled.count {
            var j = i
            while j + 1 < labelled.count && labelled[j + 1].0 == labelled[i].0 { j += 1 }
            let averageRank = Double(i + j) / 2 + 1
            for k in i...j where labelled[k].1 { rankSumOfPositives += averageRank }
            i = j + 1
        }
        let p = Double(positives.count), n = Double(negatives.count)
        return (rankSumOfPositives - p * (p + 1) / 2) / (p * n)
    }

    /// One reliability bin: predictions with confidence in [lower, upper).
    public struct ReliabilityBin: Sendable, Hashable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanConfidence: Double
        public var accuracy: Double
    }

    /// Equal-width reliability bins over [0, 1] (confidence 1 falls in the last bin) and the expected
    /// calibration error Σ (n_b / n) |accuracy_b − confidence_b|. nil ECE for no predictions.
    public static func calibration(confidences: [Double], correct: [Bool], bins: Int = 10) -> (bins: [ReliabilityBin], ece: Double?) {
        precondition(confidences.count == correct.count && bins > 0, "calibration: mismatched inputs")
        var count = [Int](repeating: 0, count: bins), confidenceSum = [Double](repeating: 0, count: bins)
        var hits = [Int](repeating: 0, count: bins)
        for (c, ok) in zip(confidences, correct) {
            let b = min(bins - 1, max(0, Int(c * Double(bins))))
            count[b] += 1; confidenceSum[b] += c; hits[b] += ok ? 1 : 0
        }
        let total = Double(confidences.count)
        var ece = 0.0
        let table = (0..<bins).map { b -> ReliabilityBin in
            let n = Double(count[b])
            let bin = ReliabilityBin(lower: Double(b) / Double(bins), upper: Double(b + 1) / Double(bins), count: count[b],
                                     meanConfidence: n > 0 ? confidenceSum[b] / n : 0, accuracy: n > 0 ? Double(hits[b]) / n : 0)
            if n > 0 { ece += n / total * abs(bin.accuracy - bin.meanConfidence) }
            return bin
        }
        return (table, confidences.isEmpty ? nil : ece)
    }

    /// Mean and the two-sided 95 % Student-t interval of the mean; the interval is nil for one value.
    public static func meanWithInterval(_ values: [Double]) -> (mean: Double, interval: ClosedRange<Double>?) {
        precondition(!values.isEmpty, "meanWithInterval of nothing")
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        guard values.count >= 2 else { return (mean, nil) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let half = studentT975(degreesOfFreedom: values.count - 1) * (variance / n).squareRoot()
        return (mean, (mean - half)...(mean + half))
    }

    /// The 0.975 quantile of Student's t (exact table to 30 degrees of freedom, then the normal's 1.96 limit approached).
    public static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                               2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                               2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]
        precondition(df >= 1, "Student t needs at least one degree of freedom")
        if df <= table.count { return table[df - 1] }
        return 1.959964 + 2.4 / Double(df)
    }

    /// Shannon entropy in bits of a histogram (0 for an empty one).
    public static func entropyBits<C: Collection>(_ counts: C) -> Double where C.Element == Int {
        let total = Double(counts.reduce(0, +))
        guard total > 0 else { return 0 }
        return counts.reduce(0.0) { sum, c in c > 0 ? sum - Double(c) / total * log2(Double(c) / total) : sum }
    }
}
