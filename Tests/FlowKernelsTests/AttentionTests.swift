import Testing
import FlowKernels
import FlowTestSupport

@Suite struct AttentionTests {
    // 11 fits in one query block; 53 with a narrow window runs several blocks and padded rows that see no key;
    // 70 keys of width 40 span more than one 32-column panel of the packed kernel both ways; a window
    // of 2·6 ≥ 11 runs as one block with the masks applied per row.
    @Test(arguments: [(AttentionWindow.global, 11, 11), (.global, 11, 7), (.sliding(halfWidth: 2), 11, 11),
                      (.sliding(halfWidth: 2), 11, 7), (.sliding(halfWidth: 3), 53, 53), (.sliding(halfWidth: 3), 53, 30),
                      (.global, 53, 30), (.global, 70, 65), (.sliding(halfWidth: 6), 11, 9)], VectorUnit.available)
    func matchesReference(shape: (window: AttentionWindow, length: Int, keyCount: Int), unit: VectorUnit) {
        let (window, length, keyCount) = shape
        let headDim = length > 60 ? 40 : 6
        let q = randomFloats(length * headDim, seed: 50), k = randomFloats(length * headDim, seed: 51)
        let v = randomFloats(length * headDim, seed: 52)
        var out = [Float](repeating: 0, count: length * headDim)
        var probabilities = [Float](repeating: .nan, count: length * length)
        out.withUnsafeMutableBufferPointer { o in
            probabilities.withUnsafeMutableBufferPointer { p in
                attentionForward(q: q, k: k, v: v, rowStride: headDim, out: o.baseAddress!, outStride: headDim,
                                 length: length, headDim: headDim, keyCount: keyCount, window: window,
                                 probabilities: p.baseAddress!, unit: unit)
            }
        }
        let expected = Reference.attention(q: q, k: k, v: v, length: length, headDim: headDim, keyCount: keyCount, window: window)
        #expect(maxAbsDifference(out, expected) < 1e-5)
        // Masked keys get exactly zero weight.
        for t in 0..<length {
            let visible = window.visibleKeys(query: t, keyCount: keyCount)
            for u in 0..<length where !visible.contains(u) { #expect(probabilities[t * length + u] == 0) }
        }
    }

    @Test func windowIsSymmetricAndClippedToRealKeys() {
        #expect(AttentionWindow.sliding(halfWidth: 4).visibleKeys(query: 10, keyCount: 40) == 6..<15)
        #expect(AttentionWindow.sliding(halfWidth: 4).visibleKeys(query: 2, keyCount: 5) == 0..<5)
        #expect(AttentionWindow.sliding(halfWidth: 1).visibleKeys(query: 9, keyCount: 5).isEmpty)
        #expect(AttentionWindow.global.visibleKeys(query: 9, keyCount: 5) == 0..<5)
        #expect(AttentionWindow.sliding(halfWidth: 4).visibleKeys(queries: 10..<20, keyCount: 40) == 6..<24)
        #expect(AttentionWindow.sliding(halfWidth: 4).visibleKeys(queries: 30..<40, keyCount: 20) == 0..<0)
    }
}
