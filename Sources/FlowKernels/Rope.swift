import CVectorMath
import Foundation

/// Rotary tables for one base: `cos`/`sin` [positions, headDim/2], computed in float32 exactly as HF does
/// (`inv_freq = 1 / theta^(2j/d)` in float32, `angle = t · inv_freq` in float32, then cos/sin).
public struct RotaryTable: Sendable {
    public let theta: Float
    public let headDim: Int
    public private(set) var positions: Int
    public private(set) var cos: [Float]
    public private(set) var sin: [Float]

    public init(theta: Float, headDim: Int, positions: Int = 0) {
        precondition(headDim % 2 == 0, "RotaryTable: head dimension must be even")
        self.theta = theta; self.headDim = headDim; self.positions = 0; self.cos = []; self.sin = []
        reserve(positions)
    }

    /// Grows the tables to cover `count` positions (no work when they already do).
    public mutating func reserve(_ count: Int) {
        guard count > positions else { return }
        let half = headDim / 2
        var inverseFrequency = [Float](repeating: 0, count: half)
        for j in 0..<half {
            let exponent = Float(2 * j) / Float(headDim)
            inverseFrequency[j] = 1 / Foundation.pow(theta, exponent)
        }
        var newCos = [Float](repeating: 0, count: count * half)
        var newSin = [Float](repeating: 0, count: count * half)
        for t in 0..<count {
            for j in 0..<half {
                let angle = Float(t) * inverseFrequency[j]
                newCos[t * half + j] = Foundation.cos(angle)
                newSin[t * half + j] = Foundation.sin(angle)
            }
        }
        cos = newCos; sin = newSin; positions = count
    }
}

/// Rotates every head of `values` in place with the rotate_half (GPT-NeoX) convention:
/// for j < d/2, `x'[j] = x[j]·cos − x[j+d/2]·sin` and `x'[j+d/2] = x[j+d/2]·cos + x[j]·sin`.
/// Rows are `rows` tokens with stride `rowStride`, the first being row `firstRow` of a [B, T] batch; row r
/// sits at position `r % sequenceLength` (right-padded batches keep positions 0..T-1 in every row, as HF).
public func ropeForward(
    values: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, sequenceLength: Int, firstRow: Int = 0,
    heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, unit: VectorUnit = .best
) {
    rotateHalves(values, rows: rows, rowStride: rowStride, sequenceLength: sequenceLength, firstRow: firstRow,
                 heads: heads, headDim: headDim, cos: cos, sin: sin, sinSign: 1, unit: unit)
}

/// Backward of `ropeForward`: a rotation's gradient is the inverse rotation (the angle negated) of the output
/// gradient, applied in place to `gradients` (same layout as the forward's `values`).
public func ropeBackward(
    gradients: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, sequenceLength: Int, firstRow: Int = 0,
    heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, unit: VectorUnit = .best
) {
    rotateHalves(gradients, rows: rows, rowStride: rowStride, sequenceLength: sequenceLength, firstRow: firstRow,
                 heads: heads, headDim: headDim, cos: cos, sin: sin, sinSign: -1, unit: unit)
}

/// The rotation both directions share; `sinSign` −1 rotates by the negated angle (exact: a sign flip).
@inline(__always)
private func rotateHalves(
    _ x: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, sequenceLength: Int, firstRow: Int,
    heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>, sinSign: Float, unit: VectorUnit
) {
    if unit == .avx512 {
        flowlm_rope_avx512(x, Int64(rows), Int64(rowStride), Int64(sequenceLength), Int64(firstRow), Int64(heads),
                           Int64(headDim), cos, sin, sinSign)
        return
    }
    let half = headDim / 2
    for r in 0..<rows {
        let position = (firstRow + r) % sequenceLength
        let c = cos + position * half, s = sin + position * half
        for h in 0..<heads {
            let v = x + r * rowStride + h * headDim
            for j in 0..<half {
                let a = v[j], b = v[j + half], sj = sinSign * s[j]
                v[j] = a * c[j] - b * sj
                v[j + half] = b * c[j] + a * sj
            }
        }
    }
}
