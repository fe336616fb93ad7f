import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowTestSupport
@testable import FlowTrain

struct WeightedCrossEntropyTests {
    /// Random rows with a mix of kinds and weights (ignored rows included).
    static func problem(rows: Int, vocabulary: Int, seed: UInt64) -> (logits: [Float], labels: [TokenID], weights: [Float], kinds: [PositionKind]) {
        var rng = FlowRandom(seed: seed)
        let logits = (0..<(rows * vocabulary)).map { _ in Float(rng.nextGaussian() * 2) }
        var labels: [TokenID] = [], weights: [Float] = [], kinds: [PositionKind] = []
        for i in 0..<rows {
            labels.append(TokenID(5 + rng.nextInt(below: vocabulary - 5)))
            let kind = PositionKind(rawValue: UInt8(i % 4)) ?? .ignored
            kinds.append(kind)
            weights.append(kind == .ignored ? 0 : 0.25 + rng.nextFloat() * 2)
        }
        return (logits, labels, weights, kinds)
    }

    @Test(arguments: VectorUnit.available) func matchesPyTorchAutograd(unit: VectorUnit) throws {
        let file = try SafeTensorsFile(contentsOf: FixturePath.url("train/weighted_ce.safetensors"))
        let logits = try file.floats("logits")
        let rawLabels = try file.integers("labels")
        let weights = try file.floats("weights")
        let mask = try #require(file.metadata["mask_id"].flatMap(Int.init))
        let kinds: [PositionKind] = rawLabels.map { $0 == -100 ? .ignored : .masked }
        let labels = rawLabels.map { TokenID($0 == -100 ? 0 : $0) }
        let vocabulary = logits.count / labels.count
        let (result, gradient) = try WeightedCrossEntropy.compute(
            logits: logits, vocabularySize: vocabulary, labels: labels, weights: weights, kinds: kinds,
            excludedToken: TokenID(mask), wantGradient: true, unit: unit)
        let expectedLoss = try file.floats("loss")[0]
        #expect(abs(result.loss - expectedLoss) / expectedLoss < 1e-6)
        let expectedRows = try file.floats("row_loss")
        #expect(maxAbsDifference(result.rowLoss, expectedRows) < 2e-5)
        #expect(relativeMaxDifference(gradient, try file.floats("grad")) < 1e-5)
    }

    /// Rows split across workers give the same bits: each row is computed alone, the total in row order.
    @Test func workersChangeNoBit() throws {
        let (logits, labels, weights, kinds) = Self.problem(rows: 301, vocabulary: 37, seed: 5)
        func run(_ policy: ComputePolicy) throws -> (CrossEntropyResult, [Float]) {
            var gradient = [Float](repeating: 0, count: logits.count)
            let result = try logits.withUnsafeBufferPointer { z in
                try gradient.withUnsafeMutableBufferPointer { g in
                    try WeightedCrossEntropy.compute(logits: z, vocabularySize: 37, labels: labels, weights: weights,
                                                     kinds: kinds, excludedToken: 4, gradient: g, policy: policy)
                }
            }
            return (result, gradient)
        }
        let serial = try run(.serial), parallel = try run(ComputePolicy(threads: 3))
        #expect(serial.0 == parallel.0 && serial.1 == parallel.1)
        let empty = try WeightedCrossEntropy.compute(logits: [], vocabularySize: 37, labels: [], weights: [], kinds: [],
                                                     excludedToken: 4, wantGradient: true)
        #expect(empty.result.loss == 0 && empty.result.rowLoss.isEmpty)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let rows = 6, vocabulary = 9, mask: TokenID = 4
        let p = Self.problem(rows: rows, vocabulary: vocabulary, seed: 3)
        func loss(_ z: [Float]) throws -> Double {
            Double(try WeightedCrossEntropy.compute(logits: z, vocabularySize: vocabulary, labels: p.labels, weights: p.weights,
                                                    kinds: p.kinds, excludedToken: mask, wantGradient: false).result.loss)
        }
        let (_, gradient) = try WeightedCrossEntropy.compute(logits: p.logits, vocabularySize: vocabulary, labels: p.labels,
                                                             weights: p.weights, kinds: p.kinds, excludedToken: mask,
                                                             wantGradient: true)
        let h: Float = 1e-2
        var worst = 0.0
        for k in p.logits.indices {
            var plus = p.logits, minus = p.logits
            plus[k] += h
            minus[k] -= h
            let numeric = (try loss(plus) - loss(minus)) / Double(2 * h)
            worst = max(worst, abs(numeric - Double(gradient[k])))
        }
        #expect(worst < 2e-4, "largest |numeric − analytic| = \(worst)")
        // The MASK column and ignored rows get no gradient.
        for i in 0..<rows { #expect(gradient[i * vocabulary + Int(mask)] == 0) }
        for i in 0..<rows where p.kinds[i] == .ignored {
            #expect(gradient[(i * vocabulary)..<((i + 1) * vocabulary)].allSatisfy { $0 == 0 })
        }
    }

    @Test func maskLogitIsExcludedEvenWhenLargest() throws {
        // Row 0: MASK holds by far the largest logit; the loss and prediction must ignore it.
        let logits: [Float] = [0, 1, 2, 0.5, 50, 3, 1]
        let (result, gradient) = try WeightedCrossEntropy.compute(
            logits: logits, vocabularySize: 7, labels: [5], weights: [1], kinds: [.masked], excludedToken: 4, wantGradient: true)
        let others = [0, 1, 2, 0.5, 3, 1].map { Foundation.exp(Double($0)) }.reduce(0, +)
        #expect(abs(Double(result.loss) - (Foundation.log(others) - 3)) < 1e-5)
        #expect(result.predictions == [5])
        #expect(gradient[4] == 0)
        #expect(abs(gradient.reduce(0, +)) < 1e-6, "softmax gradient rows sum to zero")
    }

    @Test func normalisationIsTheSumOfScoredWeights() throws {
        let p = Self.problem(rows: 8, vocabulary: 10, seed: 5)
        let r = try WeightedCrossEntropy.compute(logits: p.logits, vocabularySize: 10, labels: p.labels, weights: p.weights,
                                                 kinds: p.kinds, excludedToken: 4, wantGradient: false).result
        var numerator = 0.0, denominator = 0.0
        for i in 0..<8 where p.kinds[i] != .ignored {
            numerator += Double(p.weights[i]) * Double(r.rowLoss[i])
            denominator += Double(p.weights[i])
        }
        #expect(abs(Double(r.loss) - numerator / denominator) < 1e-5)
        #expect(abs(r.weightSum - denominator) < 1e-9)
        let fixed = try WeightedCrossEntropy.compute(logits: p.logits, vocabularySize: 10, labels: p.labels, weights: p.weights,
                                                     kinds: p.kinds, excludedToken: 4, normalization: .fixed(2 * denominator),
                                                     wantGradient: false).result
        #expect(abs(fixed.loss - r.loss / 2) < 1e-5)
    }

    @Test func gradientMayOverwriteTheLogits() throws {
        let p = Self.problem(rows: 5, vocabulary: 8, seed: 9)
        let (expected, gradient) = try WeightedCrossEntropy.compute(logits: p.logits, vocabularySize: 8, labels: p.labels,
                                                                    weights: p.weights, kinds: p.kinds, excludedToken: 4,
                                                                    wantGradient: true)
        var buffer = p.logits
        let result = try buffer.withUnsafeMutableBufferPointer { z in
            try WeightedCrossEntropy.compute(logits: UnsafeBufferPointer(z), vocabularySize: 8, labels: p.labels,
                                             weights: p.weights, kinds: p.kinds, excludedToken: 4, gradient: z)
        }
        #expect(result == expected)
        #expect(buffer == gradient)
    }

    @Test func badTargetsThrow() {
        #expect(throws: LossInputError.self) {
            try WeightedCrossEntropy.compute(logits: [Float](repeating: 0, count: 6), vocabularySize: 6, labels: [4],
                                             weights: [1], kinds: [.masked], excludedToken: 4, wantGradient: false)
        }
        #expect(throws: LossInputError.self) {
            try WeightedCrossEntropy.compute(logits: [Float](repeating: 0, count: 6), vocabularySize: 6, labels: [6],
                                             weights: [1], kinds: [.kept], excludedToken: 4, wantGradient: false)
        }
        // An ignored row's label is never looked at.
        #expect(throws: Never.self) {
            try WeightedCrossEntropy.compute(logits: [Float](repeating: 0, count: 6), vocabularySize: 6, labels: [99],
                                             weights: [0], kinds: [.ignored], excludedToken: 4, wantGradient: true)
        }
    }
}
