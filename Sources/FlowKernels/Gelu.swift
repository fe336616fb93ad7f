import FlowCore
import CVectorMath

/// Exact-erf GELU, `0.5 · x · (1 + erf(x / √2))`, PyTorch's `gelu(approximate="none")`.
/// `output` may alias `input`.
public func geluForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int,
                        unit: VectorUnit = .best) {
    if unit == .avx512 { flowlm_gelu_avx512(input, output, Int64(count)); return }
    let lanes = FloatVector.scalarCount
    var i = 0
    while i + lanes <= count {
        storeVector(gelu(loadVector(input + i)), output + i)
        i += lanes
    }
    while i < count { output[i] = gelu(FloatVector(repeating: input[i]))[0]; i += 1 }
}

@inlinable @inline(__always)
public func gelu(_ x: FloatVector) -> FloatVector {
    0.5 * x * (1 + fastErf(x * 0.707_106_781_186_547_5))
}

/// Tanh-approximated GELU, `0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))`: PyTorch's
/// `gelu(approximate="tanh")` and HF's "gelu_new" / "gelu_pytorch_tanh" / "gelu_fast". Computed as
/// `x · sigmoid(2u)` with `u` the tanh argument (the same function, one exp instead of a tanh).
/// `output` may alias `input`.
public func geluTanhForward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
    let lanes = FloatVector.scalarCount
    var i = 0
    while i + lanes <= count {
        storeVector(geluTanh(loadVector(input + i)), output + i)
        i += lanes
    }
    while i < count { output[i] = geluTanh(FloatVector(repeating: input[i]))[0]; i += 1 }
}

@inlinable @inline(__always)
public func geluTanh(_ x: FloatVector) -> FloatVector {
    // −2u = −2·√(2/π)·(x + 0.044715·x³); exp saturates for |u| large, giving x or 0 as the limits require.
    let minusTwoU = x * (x * x * -0.071_354_816_272_600_25 + -1.595_769_121_605_730_8)
    return x / (1 + fastExp(minusTwoU))
}
