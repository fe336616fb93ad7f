import Testing
import FlowKernels
import FlowTestSupport

@Suite struct GemmTests {
    @Test(arguments: [(MatrixOrientation.normal, MatrixOrientation.normal), (.normal, .transposed),
                      (.transposed, .normal), (.transposed, .transposed)])
    func matchesReference(orientations: (MatrixOrientation, MatrixOrientation)) {
        let (oa, ob) = orientations
        let m = 7, n = 5, k = 9
        // Strides wider than the operands, as when reading a head out of a fused buffer.
        let lda = (oa == .normal ? k : m) + 3, ldb = (ob == .normal ? n : k) + 2, ldc = n + 4
        let a = randomFloats((oa == .normal ? m : k) * lda, seed: 1)
        let b = randomFloats((ob == .normal ? k : n) * ldb, seed: 2)
        let start = randomFloats(m * ldc, seed: 3)
        var fast = start, expected = start
        fast.withUnsafeMutableBufferPointer { c in
            gemm(oa, ob, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: c.baseAddress!, ldc: ldc)
        }
        Reference.gemm(oa, ob, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &expected, ldc: ldc)
        #expect(maxAbsDifference(fast, expected) < 1e-5)
    }

    @Test(arguments: [(96, 40), (40, 96)])
    func parallelSplitMatchesSingleCall(shape: (Int, Int)) {
        let (m, n) = shape, k = 80
        let a = randomFloats(m * k, seed: 4), w = randomFloats(n * k, seed: 5)
        var single = [Float](repeating: 0, count: m * n), split = single
        single.withUnsafeMutableBufferPointer { c in
            gemm(.normal, .transposed, m: m, n: n, k: k, a: a, lda: k, b: w, ldb: k, c: c.baseAddress!, ldc: n)
        }
        split.withUnsafeMutableBufferPointer { c in
            parallelGemm(.normal, .transposed, m: m, n: n, k: k, a: a, lda: k, b: w, ldb: k, c: c.baseAddress!, ldc: n,
                         policy: ComputePolicy(threads: 2))
        }
        #expect(maxAbsDifference(single, split) < 1e-5)
    }

    /// Both split directions (rows when m > n, columns otherwise) under every orientation, with
    /// alpha, beta and padded leading dimensions, against the plain reference.
    @Test(arguments: [MatrixOrientation.normal, .transposed], [MatrixOrientation.normal, .transposed])
    func parallelSplitsMatchTheReference(oa: MatrixOrientation, ob: MatrixOrientation) {
        for (m, n) in [(120, 48), (48, 120)] {
            let k = 70
            let lda = (oa == .normal ? k : m) + 3, ldb = (ob == .normal ? n : k) + 2, ldc = n + 1
            let a = randomFloats((oa == .normal ? m : k) * lda, seed: 9), b = randomFloats((ob == .normal ? k : n) * ldb, seed: 10)
            let start = randomFloats(m * ldc, seed: 11)
            var split = start, expected = start
            split.withUnsafeMutableBufferPointer { c in
                parallelGemm(oa, ob, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2,
                             c: c.baseAddress!, ldc: ldc, policy: ComputePolicy(threads: 2))
            }
            Reference.gemm(oa, ob, m: m, n: n, k: k, alpha: 0.5, a: a, lda: lda, b: b, ldb: ldb, beta: 2, c: &expected, ldc: ldc)
            #expect(maxAbsDifference(split, expected) < 1e-4, "\(m)x\(n)")
        }
    }

    @Test func linearAddsBiasToEveryRow() {
        let rows = 3, inF = 4, outF = 5
        let x = randomFloats(rows * inF, seed: 6), w = randomFloats(outF * inF, seed: 7), bias = randomFloats(outF, seed: 8)
        var y = [Float](repeating: 0, count: rows * outF)
        y.withUnsafeMutableBufferPointer { out in
            linearForward(input: x, rows: rows, inFeatures: inF, weight: w, bias: bias, outFeatures: outF,
                          output: out.baseAddress!, policy: .serial)
        }
        var expected = [Float](repeating: 0, count: rows * outF)
        Reference.gemm(.normal, .transposed, m: rows, n: outF, k: inF, alpha: 1, a: x, lda: inF, b: w, ldb: inF,
                       beta: 0, c: &expected, ldc: outF)
        for r in 0..<rows { for j in 0..<outF { expected[r * outF + j] += bias[j] } }
        #expect(maxAbsDifference(y, expected) < 1e-5)
    }
}

@Suite struct WeightGradientSplitTests {
    /// With two workers the weight gradient of a long batch is summed in two halves; it adds to what dW
    /// held and equals the one-worker result up to rounding.
    @Test func depthSplitEqualsOneWorker() {
        let rows = 1024, outF = 96, inF = 64
        let x = randomFloats(rows * inF, seed: 70), dy = randomFloats(rows * outF, seed: 71)
        let w = randomFloats(outF * inF, seed: 72), start = randomFloats(outF * inF, seed: 73)
        var serial = start, split = start
        var dx = [Float](repeating: 0, count: rows * inF)
        linearBackward(input: x, rows: rows, inFeatures: inF, weight: w, outFeatures: outF, outputGradient: dy,
                       inputGradient: &dx, weightGradient: &serial, biasGradient: nil, policy: .serial)
        linearBackward(input: x, rows: rows, inFeatures: inF, weight: w, outFeatures: outF, outputGradient: dy,
                       inputGradient: &dx, weightGradient: &split, biasGradient: nil, policy: ComputePolicy(threads: 2))
        #expect(maxAbsDifference(serial, split) < 1e-3)
        var expected = start
        Reference.gemm(.transposed, .normal, m: outF, n: inF, k: rows, alpha: 1, a: dy, lda: outF, b: x, ldb: inF,
                       beta: 1, c: &expected, ldc: inF)
        #expect(maxAbsDifference(split, expected) < 1e-3)
    }
}

@Suite struct FMAPeakTests {
    /// Wherever the packed kernel runs (AVX-512), the peak it is judged against can be measured, on one
    /// worker and on two. Only that a finite positive rate comes back: how high it is depends on what else the
    /// machine runs (a loaded machine gave 0.99 GFLOP/s on two workers), and speed is for benchmarks.
    @Test(.enabled(if: PackedWeight.isSupported, "measured with AVX-512 here"))
    func measuresOnOneAndOnTwoWorkers() throws {
        let one = try #require(FMAPeak.measure(threads: 1, rounds: 2, secondsPerRound: 0.01))
        #expect(one > 0 && one.isFinite)
        let two = try #require(FMAPeak.measure(threads: 2, rounds: 2, secondsPerRound: 0.01))
        #expect(two > 0 && two.isFinite)
    }
}
