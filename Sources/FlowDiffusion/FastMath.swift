/// Vectorized exp for the softmax statistics pass: Cephes' single-precision polynomial (relative error
/// ~2e-7), eight lanes at a time; libm's scalar expf would cost most of a step's budget.
/// Written without generic SIMD conversions or rounding calls (they do not vectorize and cost 30x):
/// rounding and 2^n come from the 1.5·2^23 "magic number" trick. Inputs are ≤ 0 here (logit − max),
/// so only the low end is clamped.
@inline(__always)
func fastExp(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let low = SIMD8<Float>(repeating: -87.3)
    var x = input.replacing(with: low, where: input .< low)
    let magic = SIMD8<Float>(repeating: 12_582_912)  // 1.5 · 2^23: adding it rounds to an integer
    let shifted = x * 1.442_695_04 + magic
    let n = shifted - magic
    x = x - n * 0.693_359_375 - n * -2.121_944_4e-4
    let xx = x * x
    var y = SIMD8<Float>(repeating: 1.987_569_15e-4)
    y = y * x + 1.398_199_95e-3
    y = y * x + 8.333_451_9e-3
    y = y * x + 4.166_579_6e-2
    y = y * x + 0.166_666_65
    y = y * x + 0.5
    y = y * xx + x + 1
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((integer &+ 127) &<< 23, to: SIMD8<Float>.self)
    return y * scale
}

/// exp for one value ≤ 0 (computed in lane 0).
@inline(__always)
func fastExp(_ x: Float) -> Float { fastExp(SIMD8(repeating: min(x, 0))).x }

private extension SIMD8 where Scalar == Float {
    var x: Float { self[0] }
}
