import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowTestSupport

@Suite(.enabled(if: PackedWeight.isSupported, "the packed GEMM needs AVX-512"))
struct PackedLinearTests {
    /// Rows not a multiple of the 6-row pair tile or the 12-row tile (the rest runs as tiles of 8, 4, 2 and 1) and
    /// multiples of them; columns not a multiple of the 32-column panel, with the partial panel second in a pair
    /// or left over on its own; depth beyond one 768-deep block and not a multiple of it, down to a last block
    /// one deep; more rows than one 48-row block; more panels than one 6-panel block; on one and two workers.
    /// (100, 420, 1600): three blocks of panels by three depths by three row blocks, the last short, so the
    /// serpentine order runs depths and rows both ways.
    @Test(arguments: [(1, 5, 3), (13, 33, 7), (50, 70, 300), (128, 96, 512), (61, 40, 1537), (96, 600, 1030), (7, 40, 9),
                      (11, 64, 600), (100, 330, 700), (100, 420, 1600)], [1, 2])
    func matchesTheReferenceLinear(shape: (Int, Int, Int), threads: Int) {
        let (rows, outF, inF) = shape
        let x = randomFloats(rows * inF, seed: 40), w = randomFloats(outF * inF, seed: 41), bias = randomFloats(outF, seed: 42)
        let residual = randomFloats(rows * outF, seed: 43)
        let packed = PackedWeight(weight: w, outFeatures: outF, inFeatures: inF)!
        var product = Array(repeating: Float(0), count: rows * outF)
        Reference.gemm(.normal, .transposed, m: rows, n: outF, k: inF, alpha: 1, a: x, lda: inF, b: w, ldb: inF, beta: 0,
                       c: &product, ldc: outF)
        for withBias in [false, true] {
            for accumulate in [false, true] {
                var fast = accumulate ? residual : Array(repeating: .nan, count: rows * outF)
                fast.withUnsafeMutableBufferPointer { c in
                    packedLinearForward(input: x, rows: rows, weight: packed, bias: withBias ? bias : nil,
                                        output: c.baseAddress!, accumulate: accumulate, policy: ComputePolicy(threads: threads))
                }
                let expected = (0..<(rows * outF)).map { i in
                    product[i] + (withBias ? bias[i % outF] : 0) + (accumulate ? residual[i] : 0)
                }
                // Rounding grows with the square root of the depth summed.
                let tolerance = 1e-4 * max(1, (Float(inF) / 256).squareRoot())
                #expect(maxAbsDifference(fast, expected) < tolerance, "\(shape) bias \(withBias) accumulate \(accumulate)")
            }
        }
    }

    @Test func writesOnlyItsOwnRowsAndColumns() {
        let rows = 5, outF = 20, inF = 8
        let x = randomFloats(rows * inF, seed: 44), w = randomFloats(outF * inF, seed: 45)
        var buffer = Array(repeating: Float(7), count: rows * outF + 64)
        buffer.withUnsafeMutableBufferPointer { c in
            packedLinearForward(input: x, rows: rows, weight: PackedWeight(weight: w, outFeatures: outF, inFeatures: inF)!,
                                bias: nil, output: c.baseAddress!, policy: .serial)
        }
        #expect(buffer[(rows * outF)...].allSatisfy { $0 == 7 })
    }
}

@Suite(.enabled(if: PackedWeight.isSupported, "the packed GEMM needs AVX-512"))
struct PackedLogitsSummaryTests {
    /// The statistics gathered in the GEMM against a double-precision softmax over the logits it wrote:
    /// columns across many panels and both workers' shares, excluded ids at panel edges, ties (logits rounded
    /// to a grid) resolved to the lower id, rows not a multiple of the tile; a width of 800 takes two depths,
    /// so summaries must wait for the last of them, which in every other block of panels is the first slice.
    @Test(arguments: [1, 2], [(Float(0.7), 24), (1.5, 24), (0.7, 800)])
    func summariesMatchASoftmaxOfTheLogits(threads: Int, setting: (temperature: Float, width: Int)) {
        let (temperature, width) = setting
        let rows = 13, vocabulary = 1000, candidates = 5
        let x = randomFloats(rows * width, seed: 60).map { ($0 * 8).rounded() / 8 }
        let w = randomFloats(vocabulary * width, seed: 61).map { ($0 * 8).rounded() / 8 }
        let bias = randomFloats(vocabulary, seed: 62)
        let excluded: [TokenID] = [0, 31, 32, 500, 999]
        let request = SoftmaxSummaryRequest(temperature: temperature, candidates: candidates, excluded: excluded, weighted: true)
        var logits = [Float](repeating: 0, count: rows * vocabulary)
        let summaries = logits.withUnsafeMutableBufferPointer { out in
            packedLogitsForward(input: x, rows: rows, weight: PackedWeight(weight: w, outFeatures: vocabulary, inFeatures: width)!,
                                bias: bias, output: out.baseAddress!, summarizing: request, policy: ComputePolicy(threads: threads))
        }
        for r in 0..<rows {
            let row = Array(logits[(r * vocabulary)..<((r + 1) * vocabulary)])
            let allowed = (0..<vocabulary).filter { !excluded.contains(TokenID($0)) }
            let best = allowed.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(candidates)
            #expect(summaries.candidateIDs[(r * candidates)..<((r + 1) * candidates)].map(Int.init) == Array(best), "row \(r)")
            #expect(summaries.candidateLogits[r * candidates] == row[best.first!])
            #expect(summaries.maxima[r] == row[best.first!])
            let top = Double(row[best.first!])
            var sum = 0.0, weighted = 0.0
            for i in allowed {
                let z = (Double(row[i]) - top) / Double(temperature)
                sum += exp(z); weighted += exp(z) * z
            }
            #expect(abs(Double(summaries.sums[r]) - sum) / sum < 1e-5, "row \(r)")
            #expect(abs(Double(summaries.weightedSums[r]) - weighted) / sum < 1e-5, "row \(r)")
        }
    }
}

/// The embedding lookup of a table kept only packed (a tied decoder's) reads the same rows as the table itself.
@Suite(.enabled(if: PackedWeight.isSupported, "the packed GEMM needs AVX-512"))
struct PackedEmbeddingTests {
    @Test(arguments: [(1, 1), (33, 7), (70, 300), (64, 32)])
    func rowsMatchTheUnpackedTable(shape: (Int, Int)) {
        let (rows, width) = shape
        let table = randomFloats(rows * width, seed: 60)
        let packed = PackedWeight(weight: table, outFeatures: rows, inFeatures: width)!
        let ids: [Int32] = (0..<rows).reversed().map(Int32.init) + [0, Int32(rows - 1)]
        var fromPacked = [Float](repeating: .nan, count: ids.count * width)
        var fromTable = fromPacked
        fromPacked.withUnsafeMutableBufferPointer { packedEmbeddingForward(ids: ids, count: ids.count, table: packed, output: $0.baseAddress!) }
        fromTable.withUnsafeMutableBufferPointer { embeddingForward(ids: ids, count: ids.count, table: table, width: width, output: $0.baseAddress!) }
        #expect(fromPacked == fromTable)
    }
}
