import Testing
@testable import FlowKernels
import FlowTestSupport

/// The trainer's products on the packed kernel (B packed per call, rows or panels split across workers) against
/// the plain reference, at sizes that are not multiples of the kernel's tiles, with bias and accumulation.
@Suite struct TrainingGemmTests {
    @Test(.enabled(if: PackedWeight.isSupported, "the packed kernel needs AVX-512"),
          arguments: [(MatrixOrientation.transposed, 1), (.transposed, 2), (.normal, 1), (.normal, 2)])
    func packedGemmMatchesTheReference(orientation: MatrixOrientation, threads: Int) {
        for (m, n, k) in [(301, 93, 67), (37, 130, 45), (1, 33, 17)] {
            let ldx = k + 3, ldc = n + 5
            let ldb = (orientation == .transposed ? k : n) + 2
            let x = randomFloats(m * ldx, seed: 80), b = randomFloats((orientation == .transposed ? n : k) * ldb, seed: 81)
            let bias = randomFloats(n, seed: 82), start = randomFloats(m * ldc, seed: 83)
            for accumulate in [false, true] {
                var c = start
                packedGemm(m: m, n: n, k: k, x: x, ldx: ldx, orientation, b: b, ldb: ldb, bias: bias,
                           accumulate: accumulate, c: &c, ldc: ldc, policy: ComputePolicy(threads: threads))
                var expected = start
                Reference.gemm(.normal, orientation, m: m, n: n, k: k, alpha: 1, a: x, lda: ldx, b: b, ldb: ldb,
                               beta: accumulate ? 1 : 0, c: &expected, ldc: ldc)
                for r in 0..<m { for j in 0..<n { expected[r * ldc + j] += bias[j] } }
                // Padding columns of C (beyond n) are never written.
                let padding = (0..<m).flatMap { r in (n..<ldc).map { r * ldc + $0 } }
                #expect(padding.allSatisfy { c[$0] == start[$0] })
                #expect(maxAbsDifference(c, expected) < 1e-4, "m \(m) n \(n) k \(k) accumulate \(accumulate)")
            }
        }
    }

    /// `linearForward` and `linearBackward` at a size that takes the packed path give the reference's numbers.
    @Test func linearAtTrainingSizeMatchesTheReference() {
        let rows = 640, inF = 72, outF = 88
        #expect(rows * inF * outF >= TrainingGemm.minimumWork)
        let x = randomFloats(rows * inF, seed: 90), w = randomFloats(outF * inF, seed: 91)
        let bias = randomFloats(outF, seed: 92), dy = randomFloats(rows * outF, seed: 93)
        var y = [Float](repeating: 0, count: rows * outF)
        linearForward(input: x, rows: rows, inFeatures: inF, weight: w, bias: bias, outFeatures: outF, output: &y,
                      policy: ComputePolicy(threads: 2))
        var expectedY = [Float](repeating: 0, count: rows * outF)
        Reference.gemm(.normal, .transposed, m: rows, n: outF, k: inF, alpha: 1, a: x, lda: inF, b: w, ldb: inF,
                       beta: 0, c: &expectedY, ldc: outF)
        for r in 0..<rows { for j in 0..<outF { expectedY[r * outF + j] += bias[j] } }
        #expect(maxAbsDifference(y, expectedY) < 1e-4)

        let residual = randomFloats(rows * inF, seed: 94)
        var dx = residual, dw = [Float](repeating: 0, count: outF * inF)
        linearBackward(input: x, rows: rows, inFeatures: inF, weight: w, outFeatures: outF, outputGradient: dy,
                       inputGradient: &dx, accumulateInput: true, weightGradient: &dw, biasGradient: nil,
                       policy: ComputePolicy(threads: 2))
        var expectedDx = residual
        Reference.gemm(.normal, .normal, m: rows, n: inF, k: outF, alpha: 1, a: dy, lda: outF, b: w, ldb: inF,
                       beta: 1, c: &expectedDx, ldc: inF)
        #expect(maxAbsDifference(dx, expectedDx) < 1e-4)
    }
}
