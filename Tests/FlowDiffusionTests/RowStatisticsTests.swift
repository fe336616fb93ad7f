import FlowCore
import Foundation
import Testing
@testable import FlowDiffusion

@Suite struct RowStatisticsTests {
    /// Every statistic against a plain double-precision softmax over the ordinary tokens.
    @Test(arguments: [(37, 0.7), (64, 1.0), (301, 2.5)])
    func matchesANaiveSoftmax(vocabulary: Int, temperature: Double) throws {
        var random = FlowRandom(seed: UInt64(vocabulary))
        let rows = 5
        var values = (0..<(rows * vocabulary)).map { _ in Float(random.nextGaussian() * 4) }
        values[2 * vocabulary + 3] = 100  // a huge MASK logit must not matter
        let logits = LogitMatrix(rows: rows, vocabularySize: vocabulary, values: values)
        var stats = RowStatistics()
        try stats.compute(logits, temperature: Float(temperature), keep: 4, special: testSpecials, entropy: true)
        for r in 0..<rows {
            let ordinary = (0..<vocabulary).filter { !testSpecials.isReserved(TokenID($0)) }
            let row = ordinary.map { Double(values[r * vocabulary + $0]) }
            let top = row.max()!
            let z = row.map { exp(($0 - top) / temperature) }.reduce(0, +)
            let p = row.map { exp(($0 - top) / temperature) / z }
            let entropy = -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            let order = ordinary.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            for j in 0..<4 {
                #expect(stats.topIds[r * 4 + j] == TokenID(ordinary[order[j]]))
                #expect(abs(Double(stats.topProbabilities[r * 4 + j]) - p[order[j]]) < 1e-5)
            }
            #expect(abs(Double(stats.entropyConfidence[r]) - exp(-entropy)) < 1e-4)
            let token = TokenID(ordinary[order[2]])
            #expect(abs(Double(stats.probability(row: r, token: token, in: logits)) - p[order[2]]) < 1e-5)
            #expect(stats.probability(row: r, token: testSpecials.mask, in: logits) == 0)
        }
    }

    @Test func samplingFollowsTheProbabilities() throws {
        let vocabulary = 12
        var values = [Float](repeating: -4, count: vocabulary)
        values[5] = 0; values[6] = log(3); values[3] = 10  // MASK is reserved: never drawn
        let logits = LogitMatrix(rows: 1, vocabularySize: vocabulary, values: values)
        var stats = RowStatistics()
        try stats.compute(logits, temperature: 1, keep: 2, special: testSpecials)
        var random = FlowRandom(seed: 4)
        var counts = [Int](repeating: 0, count: vocabulary)
        for _ in 0..<4000 { counts[Int(stats.sample(row: 0, in: logits, uniform: random.nextFloat()))] += 1 }
        #expect(counts[3] == 0 && counts[0] == 0 && counts[1] == 0 && counts[2] == 0)
        let ratio = Double(counts[6]) / Double(counts[5])
        #expect(abs(ratio - 3) < 0.4)
    }

    @Test func fastExpIsAccurate() {
        for x in stride(from: Float(-80), through: 0, by: 0.37) {
            let relative = abs(fastExp(x) - expf(x)) / expf(x)
            #expect(relative < 1e-6, "x = \(x)")
        }
    }
}
