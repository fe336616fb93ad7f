/// Vectorised exp and erf in float32. The stdlib's SIMD helpers (`pointwiseMax`, `clamped`, integer
/// conversions) compile to slow lane loops, so clamping uses `replacing(with:where:)` and rounding the
/// float magic-number trick. `a * b + c` rather than `addingProduct`: without FMA in the baseline CPU
/// target the latter becomes a libcall per lane.
public typealias FloatVector = SIMD16<Float>

@usableFromInline let roundingMagic: Float = 12_582_912  // 1.5 · 2^23

/// exp(x) with Cephes' expf polynomial (≈ 1–2 ulp); underflows to 0 below −87.3, saturates above 88.3.
@inlinable @inline(__always)
public func fastExp(_ x: FloatVector) -> FloatVector {
    var v = x
    v.replace(with: 88.3, where: v .> 88.3)
    let tooSmall = v .< -87.3
    v.replace(with: -87.3, where: tooSmall)
    let shifted = v * 1.442_695_04 + FloatVector(repeating: roundingMagic)
    let n = shifted - FloatVector(repeating: roundingMagic)
    var r = v - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p: FloatVector = r * 1.987_569_15e-4 + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    p = p * (r * r) + r + 1
    let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- Int32(bitPattern: roundingMagic.bitPattern)
    let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: FloatVector.self)
    var result = p * scale
    result.replace(with: 0, where: tooSmall)
    return result
}

@inlinable @inline(__always)
public func fastExp(_ x: Float) -> Float {
    fastExp(FloatVector(repeating: x))[0]
}

/// erf(x) as the odd/even rational approximation used by Eigen and XLA for float32 (max error ≈ 4e-7
/// absolute against the exact erf, checked in FastMathTests); |x| ≥ 4 gives ±1 as float32 rounding does.
@inlinable @inline(__always)
public func fastErf(_ x: FloatVector) -> FloatVector {
    var v = x
    v.replace(with: 4, where: v .> 4)
    v.replace(with: -4, where: v .< -4)
    let x2 = v * v
    var p: FloatVector = x2 * -2.726_142_258_013_06e-10 + 2.770_681_424_959_02e-08
    p = p * x2 + -2.101_024_020_825_08e-06
    p = p * x2 + -5.692_506_394_623_46e-05
    p = p * x2 + -7.349_906_303_268_55e-04
    p = p * x2 + -2.954_599_808_540_25e-03
    p = p * x2 + -1.609_603_332_624_15e-02
    p = p * v
    var q: FloatVector = x2 * -1.456_607_184_649_96e-05 + -2.133_740_552_789_05e-04
    q = q * x2 + -1.682_826_974_382_03e-03
    q = q * x2 + -7.373_329_167_204_68e-03
    q = q * x2 + -1.426_473_905_141_89e-02
    return p / q
}

@inlinable @inline(__always)
public func fastErf(_ x: Float) -> Float {
    fastErf(FloatVector(repeating: x))[0]
}

@inlinable @inline(__always)
func loadVector(_ p: UnsafePointer<Float>) -> FloatVector {
    UnsafeRawPointer(p).loadUnaligned(as: FloatVector.self)
}

@inlinable @inline(__always)
func storeVector(_ v: FloatVector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatVector.self)
}

/// Sum of the lanes by halving, which the optimiser keeps in registers (`.sum()` is a lane loop).
@inlinable @inline(__always)
func horizontalSum(_ v: FloatVector) -> Float {
    let a = v.lowHalf + v.highHalf
    let b = a.lowHalf + a.highHalf
    let c = b.lowHalf + b.highHalf
    return c[0] + c[1]
}

@inlinable @inline(__always)
func horizontalMax(_ v: FloatVector) -> Float {
    var a = v.lowHalf; let a2 = v.highHalf; a.replace(with: a2, where: a2 .> a)
    var b = a.lowHalf; let b2 = a.highHalf; b.replace(with: b2, where: b2 .> b)
    var c = b.lowHalf; let c2 = b.highHalf; c.replace(with: c2, where: c2 .> c)
    return Swift.max(c[0], c[1])
}
