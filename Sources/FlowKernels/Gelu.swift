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
