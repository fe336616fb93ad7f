/// exp in float32 for the engine's kernels and the refinement loop's softmax statistics: Cephes' single-precision
/// polynomial (≈ 1–2 ulp) in SIMD lanes. Rounding and 2^n come from the 1.5·2^23 "magic number" trick, clamping
/// from `replace(with:where:)`: the stdlib's SIMD conversions and `clamped` compile to slow lane loops, and
/// `a * b + c` stays a multiply and an add where the baseline CPU target has no FMA. CVectorMath's vector_exp.h is
/// the same polynomial in AVX-512 intrinsics for the C kernels (FastExpTests compares them).

public let roundingMagic: Float = 12_582_912  // 1.5 · 2^23

/// exp(x) with Cephes' expf polynomial (≈ 1–2 ulp); underflows to 0 below −87.3, saturates above 88.3.
@inlinable @inline(__always)
public func fastExp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    var v = x
    v.replace(with: 88.3, where: v .> 88.3)
    let tooSmall = v .< -87.3
    v.replace(with: -87.3, where: tooSmall)
    let shifted = v * 1.442_695_04 + SIMD16<Float>(repeating: roundingMagic)
    let n = shifted - SIMD16<Float>(repeating: roundingMagic)
    var r = v - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p: SIMD16<Float> = r * 1.987_569_15e-4 + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * (r * r) + r + 1
    let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingMagic.bitPattern)
    let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD16<Float>.self)
    var result = p * scale
    result.replace(with: 0, where: tooSmall)
    return result
}

@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    fastExp(SIMD16<Float>(repeating: x))[0]
}

/// Eight lanes (the loop's sweeps over a row), through the sixteen-lane version.
@inlinable @inline(__always)
public func fastExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    fastExp(SIMD16(lowHalf: x, highHalf: x)).lowHalf
}
