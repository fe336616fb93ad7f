import Testing
import FlowKernels
import FlowTestSupport

@Suite(.enabled(if: PackedWeight.isSupported, "the packed GEMM needs AVX-512"))
struct PackedLinearTests {
    /// Rows not a multiple of the 12-row tile, columns not a multiple of the 32-column panel, depth beyond one
    /// 256-deep block and not a multiple of it, more rows than one 48-row block, on one and two workers.
    @Test(arguments: [(1, 5, 3), (13, 33, 7), (50, 70, 300), (128, 96, 512), (61, 17, 513)], [1, 2])
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
                #expect(maxAbsDifference(fast, expected) < 1e-4, "\(shape) bias \(withBias) accumulate \(accumulate)")
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
