/// Backward of `ropeForward`: a rotation's gradient is the inverse rotation of the output gradient,
/// applied in place to `gradients` (same layout as the forward's `values`).
public func ropeBackward(
    gradients: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, sequenceLength: Int, firstRow: Int = 0,
    heads: Int, headDim: Int, cos: UnsafePointer<Float>, sin: UnsafePointer<Float>
) {
    let half = headDim / 2
    for r in 0..<rows {
        let position = (firstRow + r) % sequenceLength
        let c = cos + position * half, s = sin + position * half
        for h in 0..<heads {
            let g = gradients + r * rowStride + h * headDim
            for j in 0..<half {
                let a = g[j], b = g[j + half]
                g[j] = a * c[j] + b * s[j]
                g[j + half] = b * c[j] - a * s[j]
            }
        }
    }
}
