import Foundation
import Testing
import CVectorMath
import FlowCore
import FlowKernels
import FlowTestSupport

/// bf16 as the kernel rounds it (nearest even), in plain Swift: the reference's inputs.
private func roundedToBF16(_ value: Float) -> Float {
    let bits = value.bitPattern
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
    return Float(bitPattern: rounded)
}

struct BF16RoundingTests {
    /// Nearest even: halfway cases go to the even bf16, just past halfway goes up; NaN stays NaN. Runs on any CPU.
    @Test func roundsToNearestEven() {
        #expect(flowlm_bf16_from_float(1) == 0x3F80)
        #expect(flowlm_bf16_from_float(Float(bitPattern: 0x3F80_8000)) == 0x3F80)
        #expect(flowlm_bf16_from_float(Float(bitPattern: 0x3F81_8000)) == 0x3F82)
        #expect(flowlm_bf16_from_float(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(flowlm_bf16_from_float(-2.5) == 0xC020)
        #expect(flowlm_float_from_bf16(flowlm_bf16_from_float(.nan)).isNaN)
        for value in randomFloats(1000, seed: 70) {
            #expect(flowlm_float_from_bf16(flowlm_bf16_from_float(value)) == roundedToBF16(value))
        }
    }
}

@Suite(.enabled(if: PackedWeightBF16.isSupported, "the bf16 GEMM needs AVX-512 BF16"))
struct PackedLinearBF16Tests {
    /// Against a plain fp32 product of the bf16-rounded inputs: rows that do not fill the 6-row pair tile, odd k (a
    /// last pair padded with zero), partial and unpaired last panels, more than one 6-panel block and one 48-row
    /// block, and a k of 1600 (800 pairs: two depth passes, the second a short one); on one and two workers.
    @Test(arguments: [(1, 5, 3), (13, 33, 7), (50, 70, 300), (7, 40, 1), (11, 64, 600), (100, 330, 701), (61, 200, 1600)],
          [1, 2])
    func matchesTheReferenceOnRoundedInputs(shape: (Int, Int, Int), threads: Int) {
        let (rows, outF, inF) = shape
        let x = randomFloats(rows * inF, seed: 71), w = randomFloats(outF * inF, seed: 72), bias = randomFloats(outF, seed: 73)
        let residual = randomFloats(rows * outF, seed: 74)
        let packed = PackedWeightBF16(weight: w, outFeatures: outF, inFeatures: inF)!
        var product = Array(repeating: Float(0), count: rows * outF)
        Reference.gemm(.normal, .transposed, m: rows, n: outF, k: inF, alpha: 1, a: x.map(roundedToBF16), lda: inF,
                       b: w.map(roundedToBF16), ldb: inF, beta: 0, c: &product, ldc: outF)
        for withBias in [false, true] {
            for accumulate in [false, true] {
                var fast = accumulate ? residual : Array(repeating: .nan, count: rows * outF)
                fast.withUnsafeMutableBufferPointer { c in
                    packedLinearForwardBF16(input: x, rows: rows, weight: packed, bias: withBias ? bias : nil,
                                            output: c.baseAddress!, accumulate: accumulate, policy: ComputePolicy(threads: threads))
                }
                let expected = (0..<(rows * outF)).map { i in
                    product[i] + (withBias ? bias[i % outF] : 0) + (accumulate ? residual[i] : 0)
                }
                // The same products as the reference's, summed in another order: fp32 rounding only.
                let tolerance = 1e-4 * max(1, (Float(inF) / 256).squareRoot())
                #expect(maxAbsDifference(fast, expected) < tolerance, "\(shape) bias \(withBias) accumulate \(accumulate)")
            }
        }
    }

    /// The rounding is the kernel's and not a truncation: unrounded inputs differ from the rounded reference by
    /// more than the tolerance above, so the test above would catch a kernel that skipped or mis-rounded them.
    @Test func roundingIsVisibleAtThisTolerance() {
        let rows = 12, outF = 64, inF = 256
        let x = randomFloats(rows * inF, seed: 75), w = randomFloats(outF * inF, seed: 76)
        var exact = Array(repeating: Float(0), count: rows * outF), rounded = exact
        Reference.gemm(.normal, .transposed, m: rows, n: outF, k: inF, alpha: 1, a: x, lda: inF, b: w, ldb: inF, beta: 0,
                       c: &exact, ldc: outF)
        Reference.gemm(.normal, .transposed, m: rows, n: outF, k: inF, alpha: 1, a: x.map(roundedToBF16), lda: inF,
                       b: w.map(roundedToBF16), ldb: inF, beta: 0, c: &rounded, ldc: outF)
        #expect(maxAbsDifference(exact, rounded) > 1e-3)
    }

    @Test func writesOnlyItsOwnRowsAndColumns() {
        let rows = 5, outF = 20, inF = 9
        let x = randomFloats(rows * inF, seed: 77), w = randomFloats(outF * inF, seed: 78)
        var buffer = Array(repeating: Float(7), count: rows * outF + 64)
        buffer.withUnsafeMutableBufferPointer { c in
            packedLinearForwardBF16(input: x, rows: rows, weight: PackedWeightBF16(weight: w, outFeatures: outF, inFeatures: inF)!,
                                    bias: nil, output: c.baseAddress!, policy: .serial)
        }
        #expect(buffer[(rows * outF)...].allSatisfy { $0 == 7 })
    }

    /// The statistics gathered in the bf16 GEMM against a double-precision softmax over the logits it wrote, with
    /// excluded ids at panel edges and ties (inputs on a grid bf16 holds exactly) going to the lower id.
    @Test(arguments: [1, 2])
    func summariesMatchASoftmaxOfTheLogits(threads: Int) {
        let rows = 13, vocabulary = 1000, width = 40, candidates = 5, temperature: Float = 0.7
        let x = randomFloats(rows * width, seed: 79).map { ($0 * 8).rounded() / 8 }
        let w = randomFloats(vocabulary * width, seed: 80).map { ($0 * 8).rounded() / 8 }
        let excluded: [TokenID] = [0, 31, 32, 500, 999]
        let request = SoftmaxSummaryRequest(temperature: temperature, candidates: candidates, excluded: excluded, weighted: true)
        var logits = [Float](repeating: 0, count: rows * vocabulary)
        let summaries = logits.withUnsafeMutableBufferPointer { out in
            packedLogitsForwardBF16(input: x, rows: rows,
                                    weight: PackedWeightBF16(weight: w, outFeatures: vocabulary, inFeatures: width)!,
                                    bias: nil, output: out.baseAddress!, summarizing: request, policy: ComputePolicy(threads: threads))
        }
        let allowed = (0..<vocabulary).filter { !excluded.contains(TokenID($0)) }
        for r in 0..<rows {
            let row = Array(logits[(r * vocabulary)..<((r + 1) * vocabulary)])
            let best = allowed.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }.prefix(candidates)
            #expect(summaries.candidateIDs[(r * candidates)..<((r + 1) * candidates)].map(Int.init) == Array(best), "row \(r)")
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
