import CVectorMath
import FlowCore
import Foundation
import Testing
@testable import FlowDiffusion

@Suite struct RowStatisticsTests {
    /// The AVX2 and AVX-512 top-k (where this CPU has them) pick exactly what the portable selection picks,
    /// ties included (values rounded to a coarse grid so many are equal: the lower id must come first).
    @Test(arguments: [1, 2, 5, 32])
    func vectorTopKEqualsThePortableSelection(k: Int) throws {
        try #require(RowStatistics.usesAVX2, "this CPU has no AVX2; the portable path is the only one")
        var random = FlowRandom(seed: UInt64(k))
        for width in [3, 8, 9, 1000, 20_011] {
            let row = (0..<width).map { _ in (Float(random.nextGaussian() * 3)).rounded() }
            let ranges = width > 10 ? [1..<3, 4..<(width / 2), (width / 2 + 1)..<width] : [0..<width]
            let pairs = ranges.flatMap { [Int64($0.lowerBound), Int64($0.upperBound)] }
            var ids = [TokenID](repeating: 7, count: k), values = [Float](repeating: 7, count: k)
            var fastIds = ids, fastValues = values
            let found = row.withUnsafeBufferPointer { p in
                RowStatistics.selectTop(p.baseAddress!, ranges: ranges, k: k, ids: &ids, values: &values)
            }
            let fastFound = row.withUnsafeBufferPointer { p in
                pairs.withUnsafeBufferPointer { flowlm_top_k_avx2(p.baseAddress!, $0.baseAddress, Int32(ranges.count), Int32(k), &fastIds, &fastValues) }
            }
            #expect(Int(fastFound) == found && fastIds == ids && fastValues == values, "width \(width)")
            guard RowStatistics.widestKernel == .avx512 else { continue }
            var wideIds = ids.map { _ in TokenID(7) }, wideValues = values.map { _ in Float(7) }
            var sum: Float = 0, weighted: Float = 0
            let wideFound = row.withUnsafeBufferPointer { p in
                pairs.withUnsafeBufferPointer {
                    flowlm_row_summary_avx512(p.baseAddress!, $0.baseAddress, Int32(ranges.count), Int32(k), 1, 1,
                                              &wideIds, &wideValues, &sum, &weighted)
                }
            }
            #expect(Int(wideFound) == found && wideIds == ids && wideValues == values, "AVX-512, width \(width)")
        }
    }

    /// The dispatched sweep (AVX2+FMA where the CPU has it) against the portable one and a double-precision
    /// sum, over ranges with odd ends (tails), skipped groups far below the maximum, and temperatures.
    @Test(arguments: [0.5, 1.0, 3.0])
    func exponentialSweepAgreesWithThePortableOneAndDoubles(temperature: Float) {
        var random = FlowRandom(seed: 77)
        let width = 50_003
        var row = (0..<width).map { _ in Float(random.nextGaussian() * 5) }
        for i in stride(from: 1000, to: 1400, by: 1) { row[i] = -500 }  // whole eight-lane groups skipped
        let ranges = [0..<1, 5..<20_001, 20_002..<width]
        let top = row.max()!, inverseT = 1 / temperature
        row.withUnsafeBufferPointer { p in
            let fast = RowStatistics.exponentialSums(p.baseAddress!, ranges: ranges, max: top, inverseT: inverseT, weighted: true,
                                                     fast: RowStatistics.usesAVX2 ? .avx2 : .portable)
            let portable = RowStatistics.portableExponentialSums(p.baseAddress!, ranges: ranges, max: top, inverseT: inverseT,
                                                                 weighted: true)
            var sum = 0.0, weighted = 0.0
            for range in ranges {
                for i in range {
                    let z = Double(row[i] - top) * Double(inverseT)
                    if z > -87 { sum += exp(z); weighted += exp(z) * z }
                }
            }
            #expect(abs(Double(fast.0) - sum) / sum < 2e-5 && abs(Double(portable.0) - sum) / sum < 2e-5)
            #expect(abs(Double(fast.1) - weighted) / abs(weighted) < 2e-5, "\(fast.1) vs \(weighted)")
        }
    }

    /// The one-pass AVX-512 summary: the maximum rises chunk after chunk (so the sums are rescaled many times),
    /// ranges have gaps and odd ends; the top-k equals the portable selection and the sums a double reference.
    @Test(arguments: [0.5, 1.0, 2.0])
    func onePassSummaryRescalesExactly(temperature: Float) throws {
        try #require(RowStatistics.widestKernel == .avx512, "this CPU has no AVX-512")
        var random = FlowRandom(seed: 91)
        let width = 50_003, k = 5
        var row = (0..<width).map { i in Float(random.nextGaussian() * 2) + Float(i) / 2000 }
        row[17] = 60  // an early maximum the later chunks never beat
        for i in 30_000..<30_100 { row[i] = -.infinity }
        let ranges = [0..<3, 4..<25_001, 25_002..<width]
        let pairs = ranges.flatMap { [Int64($0.lowerBound), Int64($0.upperBound)] }
        var ids = [TokenID](repeating: 0, count: k), values = [Float](repeating: 0, count: k)
        var wideIds = ids, wideValues = values
        var sum: Float = 0, weighted: Float = 0
        let found = row.withUnsafeBufferPointer { p in
            RowStatistics.selectTop(p.baseAddress!, ranges: ranges, k: k, ids: &ids, values: &values)
        }
        let wideFound = row.withUnsafeBufferPointer { p in
            pairs.withUnsafeBufferPointer {
                flowlm_row_summary_avx512(p.baseAddress!, $0.baseAddress, Int32(ranges.count), Int32(k), 1 / temperature, 1,
                                          &wideIds, &wideValues, &sum, &weighted)
            }
        }
        #expect(Int(wideFound) == found && wideIds == ids && wideValues == values)
        for shifted in [false, true] {
            if shifted { row[17] = 0 }  // now the maximum keeps rising to the end
            var expectedSum = 0.0, expectedWeighted = 0.0
            let top = Double(ranges.flatMap { $0 }.map { row[$0] }.max()!)
            for i in ranges.flatMap({ $0 }) where row[i] > -.infinity {
                let z = (Double(row[i]) - top) / Double(temperature)
                if z > -87 { expectedSum += exp(z); expectedWeighted += exp(z) * z }
            }
            row.withUnsafeBufferPointer { p in
                _ = pairs.withUnsafeBufferPointer {
                    flowlm_row_summary_avx512(p.baseAddress!, $0.baseAddress, Int32(ranges.count), Int32(k), 1 / temperature, 1,
                                              &wideIds, &wideValues, &sum, &weighted)
                }
            }
            #expect(abs(Double(sum) - expectedSum) / expectedSum < 2e-5, "shifted \(shifted): \(sum) vs \(expectedSum)")
            // Relative to Σe, as the entropy uses Σez/Σe (Σez is 0 when one token dominates).
            #expect(abs(Double(weighted) - expectedWeighted) / expectedSum < 2e-5, "shifted \(shifted): \(weighted) vs \(expectedWeighted)")
        }
    }

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
