import Testing
import FlowKernels
import FlowTestSupport

@Suite struct RopeTests {
    @Test(arguments: [8, 40], VectorUnit.available)
    func matchesReferenceForEveryHeadAndPosition(headDim: Int, unit: VectorUnit) {
        let length = 9, batch = 2, heads = 3, stride = heads * headDim + 5
        let theta: Float = 1000
        let x = randomFloats(batch * length * stride, seed: 40)
        var table = RotaryTable(theta: theta, headDim: headDim)
        table.reserve(length)
        var y = x
        y.withUnsafeMutableBufferPointer { values in
            ropeForward(values: values.baseAddress!, rows: batch * length, rowStride: stride, sequenceLength: length,
                        heads: heads, headDim: headDim, cos: table.cos, sin: table.sin, unit: unit)
        }
        let expected = Reference.rope(x, rows: batch * length, rowStride: stride, sequenceLength: length,
                                      heads: heads, headDim: headDim, theta: theta)
        #expect(maxAbsDifference(y, expected) < 2e-5)
        // Columns beyond the heads are untouched; position 0 is the identity.
        #expect(y[heads * headDim] == x[heads * headDim])
        #expect(Array(y[0..<(heads * headDim)]) == Array(x[0..<(heads * headDim)]))
        // The backward pass rotates back.
        y.withUnsafeMutableBufferPointer { values in
            ropeBackward(gradients: values.baseAddress!, rows: batch * length, rowStride: stride, sequenceLength: length,
                         heads: heads, headDim: headDim, cos: table.cos, sin: table.sin, unit: unit)
        }
        #expect(maxAbsDifference(y, x) < 1e-5)
    }
}
