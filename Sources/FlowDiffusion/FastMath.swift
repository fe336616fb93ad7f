/// Vectorized exp for the softmax statistics pass: Cephes' single-precision polynomial (relative error
/// ~2e-7 on the range used), eight lanes at a time; libm's scalar expf would cost most of a step budget.
@inline(__always)
func fastExp(_ input: SIMD8<Float>) -> SIMD8<Float> {
    var x = input.clamped(lowerBound: SIMD8(repeating: -87.3), upperBound: SIMD8(repeating: 88.3))
    let n = (x * 1.442_695_04 + 0.5).rounded(.down)
    x = x - n * 0.693_359_375 - n * -2.121_944_4e-4
    let xx = x * x
    var y = SIMD8<Float>(repeating: 1.987_569_15e-4)
    y = y * x + 1.398_199_95e-3
    y = y * x + 8.333_451_9e-3
    y = y * x + 4.166_579_6e-2
    y = y * x + 0.166_666_65
    y = y * x + 0.5
    y = y * xx + x + 1
    let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
    return y * unsafeBitCast(exponent, to: SIMD8<Float>.self)
}

@inline(__always)
func fastExp(_ x: Float) -> Float { fastExp(SIMD8(repeating: x))[0] }
