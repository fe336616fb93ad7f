import Foundation
import Testing
import FlowKernels
import FlowTestSupport

@Suite struct ActivationTests {
    @Test func erfIsAccurateEverywhere() {
        var worst: Double = 0
        var x: Float = -6
        while x <= 6 {
            worst = max(worst, abs(Double(fastErf(x)) - Foundation.erf(Double(x))))
            x += 0.001
        }
        #expect(worst < 5e-7)
    }

    @Test func expIsAccurateAndUnderflowsToZero() {
        var worstRelative: Double = 0
        var x: Float = -80
        while x <= 80 {
            let exact = Foundation.exp(Double(x))
            worstRelative = max(worstRelative, abs(Double(fastExp(x)) - exact) / exact)
            x += 0.0173
        }
        #expect(worstRelative < 3e-7)
        #expect(fastExp(-200) == 0)
        #expect(fastExp(-Float.infinity) == 0)
    }

    @Test(arguments: VectorUnit.available) func geluMatchesReference(unit: VectorUnit) {
        let x = randomFloats(203, seed: 20, scale: 3) + [-30, -5.5, 0, 5.5, 30]
        var y = [Float](repeating: 0, count: x.count)
        y.withUnsafeMutableBufferPointer { geluForward(input: x, output: $0.baseAddress!, count: x.count, unit: unit) }
        #expect(maxAbsDifference(y, x.map(Reference.gelu)) < 1e-6)
    }

    @Test(arguments: VectorUnit.available) func gegluGatesTheActivatedFirstHalf(unit: VectorUnit) {
        let rows = 3, inner = 21
        let x = randomFloats(rows * 2 * inner, seed: 21, scale: 2)
        var y = [Float](repeating: 0, count: rows * inner)
        y.withUnsafeMutableBufferPointer { gegluForward(input: x, output: $0.baseAddress!, rows: rows, inner: inner, unit: unit) }
        #expect(maxAbsDifference(y, Reference.geglu(x, inner: inner)) < 1e-6)
    }

    @Test(arguments: VectorUnit.available) func softmaxMatchesReference(unit: VectorUnit) {
        for count in [1, 5, 16, 37] {
            let row = randomFloats(count, seed: UInt64(30 + count), scale: 10)
            var fast = row
            fast.withUnsafeMutableBufferPointer { softmaxForward(row: $0.baseAddress!, count: count, scale: 0.3, unit: unit) }
            #expect(maxAbsDifference(fast, Reference.softmax(row, scale: 0.3)) < 1e-6)
            #expect(abs(fast.reduce(0, +) - 1) < 1e-5)
        }
        // Scores far apart: the exp of the smaller ones underflows to exactly 0 instead of going wrong.
        var spread: [Float] = [0, -200, 3, -1e4]
        spread.withUnsafeMutableBufferPointer { softmaxForward(row: $0.baseAddress!, count: 4, unit: unit) }
        #expect(spread[1] == 0 && spread[3] == 0 && abs(spread[0] + spread[2] - 1) < 1e-6)
    }
}
