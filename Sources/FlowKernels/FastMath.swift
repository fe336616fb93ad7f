/// Vectorised erf in float32 (exp is FlowCore's `fastExp`, shared with the refinement loop). The stdlib's SIMD helpers (`pointwiseMax`, `clamped`, integer
/// conversions) compile to slow lane loops, so clamping uses `replacing(with:where:)` and rounding the
/// float magic-number trick. `a * b + c` rather than `addingProduct`: without FMA in the baseline CPU
/// target the latter becomes a libcall per lane.
public typealias FloatVector = SIMD16<Float>

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
