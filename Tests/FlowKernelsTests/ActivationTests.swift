import FlowCore
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

    @Test func geluTanhMatchesReference() {
        let x = randomFloats(203, seed: 22, scale: 3) + [-90, -30, -5.5, -1e-3, 0, 1e-3, 5.5, 30, 90]
        var y = [Float](repeating: 0, count: x.count)
        y.withUnsafeMutableBufferPointer { geluTanhForward(input: x, output: $0.baseAddress!, count: x.count) }
        let expected = x.map(Reference.geluTanh)
        // Absolute error near 0, relative for large |x| (where the result is x itself or 0).
        let worst = zip(y, expected).map { abs($0 - $1) / max(1, abs($1)) }.max()!
        #expect(worst < 1e-6)
        // It differs from the exact GELU (by up to 4.7e-4, at ±2.7), so a mix-up between the two would show.
        #expect(abs(Reference.geluTanh(-2.7) - Reference.gelu(-2.7)) > 4e-4)
        // In place.
        var z = x
        z.withUnsafeMutableBufferPointer { geluTanhForward(input: $0.baseAddress!, output: $0.baseAddress!, count: x.count) }
        #expect(z == y)
    }

    @Test func reluClampsNegativesOnly() {
        let x = randomFloats(37, seed: 23, scale: 2) + [-0.0, 0, -1e-30, 1e-30]
        var y = [Float](repeating: 7, count: x.count)
        y.withUnsafeMutableBufferPointer { reluForward(input: x, output: $0.baseAddress!, count: x.count) }
        #expect(y == x.map(Reference.relu))
        #expect(y.allSatisfy { $0 >= 0 })
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
