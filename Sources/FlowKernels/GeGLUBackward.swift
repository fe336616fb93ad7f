import FlowCore
import CVectorMath

/// d gelu(x)/dx for the exact-erf GELU: Φ(x) + x·φ(x), with φ the standard normal density.
@inlinable @inline(__always)
public func geluDerivative(_ x: FloatVector) -> FloatVector {
    let cdf = 0.5 * (1 + fastErf(x * 0.707_106_781_186_547_5))
    let density = fastExp(-0.5 * x * x) * 0.398_942_280_401_432_7
    return cdf + x * density
}

/// Backward of `geluForward`: `inputGradient = outputGradient · gelu'(input)` (overwritten).
public func geluBackward(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                         inputGradient: UnsafeMutablePointer<Float>, count: Int, unit: VectorUnit = .best) {
    if unit == .avx512 { flowlm_gelu_backward_avx512(input, outputGradient, inputGradient, Int64(count)); return }
    let lanes = FloatVector.scalarCount
    var i = 0
    while i + lanes <= count {
        storeVector(loadVector(outputGradient + i) * geluDerivative(loadVector(input + i)), inputGradient + i)
        i += lanes
    }
    while i < count { inputGradient[i] = outputGradient[i] * geluDerivative(FloatVector(repeating: input[i]))[0]; i += 1 }
}

/// Backward of `gegluForward`: for each row, with a the activated half and b the gate half of `input`,
/// d a = dy · b · gelu'(a) and d b = dy · gelu(a), written into `inputGradient` [rows, 2·inner].
public func gegluBackward(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                          inputGradient: UnsafeMutablePointer<Float>, rows: Int, inner: Int, unit: VectorUnit = .best) {
    if unit == .avx512 { flowlm_geglu_backward_avx512(input, outputGradient, inputGradient, Int64(rows), Int64(inner)); return }
    let lanes = FloatVector.scalarCount
    for r in 0..<rows {
        let a = input + r * 2 * inner, b = a + inner
        let dy = outputGradient + r * inner
        let da = inputGradient + r * 2 * inner, db = da + inner
        var i = 0
        while i + lanes <= inner {
            let av = loadVector(a + i), g = loadVector(dy + i)
            storeVector(g * loadVector(b + i) * geluDerivative(av), da + i)
            storeVector(g * gelu(av), db + i)
            i += lanes
        }
        while i < inner {
            let av = FloatVector(repeating: a[i])
            da[i] = dy[i] * b[i] * geluDerivative(av)[0]
            db[i] = dy[i] * gelu(av)[0]
            i += 1
        }
    }
}
