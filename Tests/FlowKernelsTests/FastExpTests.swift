import CVectorMath
import FlowCore
import Foundation
import Testing

/// FlowCore's fastExp (the kernels' and the loop's) and vector_exp.h's AVX-512 twin (the C kernels') are the same
/// polynomial; they differ only in fused multiply-adds, so they agree within a few ulp, and both flush below −87.3.
@Suite struct FastExpTests {
    static let inputs: [Float] = stride(from: -100, through: 88, by: 0.0137).map { Float($0) }

    @Test func swiftAndCTwinsAgree() throws {
        guard flowlm_has_avx512() == 1 else { return }  // the C twin needs AVX-512F
        var c = [Float](repeating: .nan, count: Self.inputs.count)
        Self.inputs.withUnsafeBufferPointer { input in
            c.withUnsafeMutableBufferPointer { flowlm_exp_avx512(input.baseAddress!, $0.baseAddress!, Int64(input.count)) }
        }
        for (x, fromC) in zip(Self.inputs, c) {
            let swift = fastExp(x)
            if x < -87.3 { #expect(swift == 0 && fromC == 0, "x = \(x)"); continue }
            #expect(abs(swift - fromC) <= 4 * swift.ulp, "x = \(x): Swift \(swift), C \(fromC)")
        }
    }

    @Test func eightLanesGiveTheSixteenLaneValues() {
        var random = FlowRandom(seed: 3)
        for _ in 0..<200 {
            let x = SIMD8<Float>((0..<8).map { _ in (random.nextFloat() - 0.9) * 100 })
            let wide = fastExp(SIMD16(lowHalf: x, highHalf: .zero)).lowHalf
            #expect(fastExp(x) == wide)
        }
    }
}
