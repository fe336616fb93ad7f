import Testing
import FlowKernels
import FlowTestSupport

@Suite struct LayerNormTests {
    @Test(arguments: [false, true], VectorUnit.available)
    func matchesReference(withBias: Bool, unit: VectorUnit) {
        let rows = 5, width = 37  // not a multiple of the vector width: exercises the tail
        let x = randomFloats(rows * width, seed: 10, scale: 3).map { $0 + 2 }
        let weight = randomFloats(width, seed: 11), bias = withBias ? randomFloats(width, seed: 12) : nil
        var y = [Float](repeating: 0, count: rows * width)
        var mean = [Float](repeating: 0, count: rows), rstd = mean
        y.withUnsafeMutableBufferPointer { out in
            mean.withUnsafeMutableBufferPointer { m in
                rstd.withUnsafeMutableBufferPointer { s in
                    layerNormForward(input: x, output: out.baseAddress!, rows: rows, width: width, weight: weight,
                                     bias: bias, eps: 1e-5, mean: m.baseAddress, rstd: s.baseAddress, unit: unit)
                }
            }
        }
        #expect(maxAbsDifference(y, Reference.layerNorm(x, width: width, weight: weight, bias: bias, eps: 1e-5)) < 1e-5)
        // The saved statistics are those of the first row.
        let first = x[0..<width]
        let expectedMean = first.reduce(0, +) / Float(width)
        #expect(abs(mean[0] - expectedMean) < 1e-5)
        #expect(rstd[0] > 0)
    }
}
