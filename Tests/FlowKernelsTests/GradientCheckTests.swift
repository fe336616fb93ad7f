import Testing
import FlowKernels
import FlowTestSupport

/// Every backward kernel against central finite differences of its forward kernel.
@Suite struct GradientCheckTests {
    let tolerance: Float = 2e-2

    @Test(arguments: [false, true])
    func linear(withBias: Bool) {
        let rows = 3, inF = 5, outF = 4
        let x = randomFloats(rows * inF, seed: 1), w = randomFloats(outF * inF, seed: 2, scale: 0.5)
        let b = withBias ? randomFloats(outF, seed: 3) : []
        let r = randomFloats(rows * outF, seed: 4)
        func forward(_ x: [Float], _ w: [Float], _ b: [Float]) -> Double {
            var y = [Float](repeating: 0, count: rows * outF)
            b.withUnsafeBufferPointer { bp in
                linearForward(input: x, rows: rows, inFeatures: inF, weight: w, bias: withBias ? bp.baseAddress : nil,
                              outFeatures: outF, output: &y, policy: .serial)
            }
            return projectedLoss(y, r)
        }
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: w.count)
        var db = [Float](repeating: 0, count: outF)
        db.withUnsafeMutableBufferPointer { dbp in
            linearBackward(input: x, rows: rows, inFeatures: inF, weight: w, outFeatures: outF, outputGradient: r,
                           inputGradient: &dx, weightGradient: &dw, biasGradient: withBias ? dbp.baseAddress : nil, policy: .serial)
        }
        #expect(gradientError(analytic: dx, numerical: numericalGradient(at: x) { forward($0, w, b) }) < tolerance)
        #expect(gradientError(analytic: dw, numerical: numericalGradient(at: w) { forward(x, $0, b) }) < tolerance)
        if withBias { #expect(gradientError(analytic: db, numerical: numericalGradient(at: b) { forward(x, w, $0) }) < tolerance) }
    }

    @Test(arguments: [false, true], VectorUnit.available)
    func layerNorm(withBias: Bool, unit: VectorUnit) {
        let rows = 3, width = 19
        let x = randomFloats(rows * width, seed: 5, scale: 2), w = randomFloats(width, seed: 6)
        let b = withBias ? randomFloats(width, seed: 7) : []
        let r = randomFloats(rows * width, seed: 8)
        func forward(_ x: [Float], _ w: [Float], _ b: [Float]) -> Double {
            var y = [Float](repeating: 0, count: x.count)
            b.withUnsafeBufferPointer { bp in
                layerNormForward(input: x, output: &y, rows: rows, width: width, weight: w,
                                 bias: withBias ? bp.baseAddress : nil, eps: 1e-5, unit: unit)
            }
            return projectedLoss(y, r)
        }
        var y = [Float](repeating: 0, count: x.count), mean = [Float](repeating: 0, count: rows), rstd = mean
        layerNormForward(input: x, output: &y, rows: rows, width: width, weight: w, bias: nil, eps: 1e-5, mean: &mean, rstd: &rstd, unit: unit)
        var dx = [Float](repeating: 0, count: x.count), dw = [Float](repeating: 0, count: width), db = dw
        db.withUnsafeMutableBufferPointer { dbp in
            layerNormBackward(input: x, outputGradient: r, inputGradient: &dx, rows: rows, width: width, weight: w,
                              mean: mean, rstd: rstd, weightGradient: &dw, biasGradient: withBias ? dbp.baseAddress : nil, unit: unit)
        }
        #expect(gradientError(analytic: dx, numerical: numericalGradient(at: x, step: 5e-3) { forward($0, w, b) }) < tolerance)
        #expect(gradientError(analytic: dw, numerical: numericalGradient(at: w) { forward(x, $0, b) }) < tolerance)
        if withBias { #expect(gradientError(analytic: db, numerical: numericalGradient(at: b) { forward(x, w, $0) }) < tolerance) }
        // Accumulating into an existing residual gradient adds exactly the same values.
        var accumulated = [Float](repeating: 1, count: x.count)
        var scratchW = [Float](repeating: 0, count: width)
        layerNormBackward(input: x, outputGradient: r, inputGradient: &accumulated, accumulateInput: true, rows: rows, width: width,
                          weight: w, mean: mean, rstd: rstd, weightGradient: &scratchW, biasGradient: nil, unit: unit)
        #expect(maxAbsDifference(accumulated, dx.map { $0 + 1 }) < 1e-5)
    }

    @Test(arguments: VectorUnit.available) func geluAndGeGLU(unit: VectorUnit) {
        let rows = 2, inner = 21
        let x = randomFloats(rows * 2 * inner, seed: 9, scale: 2), r = randomFloats(rows * inner, seed: 10)
        func geglu(_ x: [Float]) -> Double {
            var y = [Float](repeating: 0, count: rows * inner)
            gegluForward(input: x, output: &y, rows: rows, inner: inner, unit: unit)
            return projectedLoss(y, r)
        }
        var dx = [Float](repeating: 0, count: x.count)
        gegluBackward(input: x, outputGradient: r, inputGradient: &dx, rows: rows, inner: inner, unit: unit)
        #expect(gradientError(analytic: dx, numerical: numericalGradient(at: x, step: 1e-3, geglu)) < tolerance)

        let g = randomFloats(37, seed: 11, scale: 3), rg = randomFloats(37, seed: 12)
        func gelu(_ x: [Float]) -> Double {
            var y = [Float](repeating: 0, count: x.count)
            geluForward(input: x, output: &y, count: x.count, unit: unit)
            return projectedLoss(y, rg)
        }
        var dg = [Float](repeating: 0, count: g.count)
        geluBackward(input: g, outputGradient: rg, inputGradient: &dg, count: g.count, unit: unit)
        #expect(gradientError(analytic: dg, numerical: numericalGradient(at: g, step: 1e-3, gelu)) < tolerance)
    }

    /// The two units' backward passes agree closely (the finite differences above only bound each loosely).
    @Test func geluBackwardUnitsAgree() {
        guard VectorUnit.available.contains(.avx512) else { return }
        let rows = 3, inner = 37
        let x = randomFloats(rows * 2 * inner, seed: 13, scale: 4), r = randomFloats(rows * inner, seed: 14)
        var portable = [Float](repeating: 0, count: x.count), wide = portable
        gegluBackward(input: x, outputGradient: r, inputGradient: &portable, rows: rows, inner: inner, unit: .portable)
        gegluBackward(input: x, outputGradient: r, inputGradient: &wide, rows: rows, inner: inner, unit: .avx512)
        #expect(maxAbsDifference(portable, wide) < 1e-5)
    }

    @Test func rope() {
        let length = 5, heads = 2, headDim = 8, stride = heads * headDim + 3
        let table = RotaryTable(theta: 10_000, headDim: headDim, positions: length)
        let x = randomFloats(length * stride, seed: 13), r = randomFloats(length * stride, seed: 14)
        func forward(_ x: [Float]) -> Double {
            var y = x
            ropeForward(values: &y, rows: length, rowStride: stride, sequenceLength: length, heads: heads, headDim: headDim,
                        cos: table.cos, sin: table.sin)
            return projectedLoss(y, r)
        }
        var g = r
        ropeBackward(gradients: &g, rows: length, rowStride: stride, sequenceLength: length, heads: heads, headDim: headDim,
                     cos: table.cos, sin: table.sin)
        #expect(gradientError(analytic: g, numerical: numericalGradient(at: x, forward)) < tolerance)
    }

    @Test(arguments: [(AttentionWindow.global, 7), (.sliding(halfWidth: 2), 7), (.global, 5), (.sliding(halfWidth: 1), 4)])
    func attention(window: AttentionWindow, keyCount: Int) {
        let length = 7, d = 4, stride = 3 * d
        let qkv = randomFloats(length * stride, seed: 15), r = randomFloats(length * d, seed: 16)
        func forward(_ qkv: [Float]) -> Double {
            var out = [Float](repeating: 0, count: length * d), p = [Float](repeating: 0, count: length * length)
            qkv.withUnsafeBufferPointer { b in
                attentionForward(q: b.baseAddress!, k: b.baseAddress! + d, v: b.baseAddress! + 2 * d, rowStride: stride,
                                 out: &out, outStride: d, length: length, headDim: d, keyCount: keyCount, window: window,
                                 probabilities: &p)
            }
            // Padded query rows are meaningless in the model (their loss is ignored), so only real rows count.
            return projectedLoss(Array(out[0..<(keyCount * d)]), Array(r[0..<(keyCount * d)]))
        }
        var out = [Float](repeating: 0, count: length * d), p = [Float](repeating: 0, count: length * length)
        var dqkv = [Float](repeating: 0, count: qkv.count), scratch = p
        let dOut = r.enumerated().map { $0.offset < keyCount * d ? $0.element : 0 }
        qkv.withUnsafeBufferPointer { b in
            attentionForward(q: b.baseAddress!, k: b.baseAddress! + d, v: b.baseAddress! + 2 * d, rowStride: stride,
                             out: &out, outStride: d, length: length, headDim: d, keyCount: keyCount, window: window, probabilities: &p)
            dqkv.withUnsafeMutableBufferPointer { g in
                attentionBackward(q: b.baseAddress!, k: b.baseAddress! + d, v: b.baseAddress! + 2 * d, rowStride: stride,
                                  probabilities: p, outputGradient: dOut, outputGradientStride: d,
                                  dq: g.baseAddress!, dk: g.baseAddress! + d, dv: g.baseAddress! + 2 * d,
                                  length: length, headDim: d, keyCount: keyCount, scratch: &scratch)
            }
        }
        #expect(gradientError(analytic: dqkv, numerical: numericalGradient(at: qkv, step: 1e-2, forward)) < tolerance)
    }

    @Test func embeddingSkipsThePaddingRow() {
        let vocab = 6, width = 3
        let ids: [Int32] = [1, 0, 1, 5], r = randomFloats(ids.count * width, seed: 17)
        var dTable = [Float](repeating: 0, count: vocab * width)
        embeddingBackward(ids: ids, count: ids.count, outputGradient: r, width: width, tableGradient: &dTable, skipping: 0)
        #expect(Array(dTable[0..<3]) == [0, 0, 0])
        #expect(maxAbsDifference(Array(dTable[3..<6]), (0..<3).map { r[$0] + r[6 + $0] }) < 1e-6)
        #expect(Array(dTable[15..<18]) == Array(r[9..<12]))
    }
}
