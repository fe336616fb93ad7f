/// Backward of `attentionForward` for one head, from the probabilities P it saved:
/// dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √d, dQ = dS·K, dK = dSᵀ·Q.
/// Masked keys have P = 0, so they get no gradient without a separate mask. `q`, `k`, `v` are the
/// (rotated) inputs of the forward with stride `rowStride`; the gradients go to the same column slices of
/// a fused dQKV buffer (overwritten). `scratch` holds [length, length] floats.
public func attentionBackward(
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, rowStride: Int,
    probabilities: UnsafePointer<Float>,
    outputGradient: UnsafePointer<Float>, outputGradientStride: Int,
    dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
    length: Int, headDim: Int, keyCount: Int, scratch: UnsafeMutablePointer<Float>
) {
    guard length > 0 else { return }
    let scale = 1 / Float(headDim).squareRoot()
    // dV [keyCount, d] = Pᵀ [keyCount, length] · dO [length, d]; rows of dV past keyCount are zero.
    gemm(.transposed, .normal, m: keyCount, n: headDim, k: length,
         a: probabilities, lda: length, b: outputGradient, ldb: outputGradientStride, c: dv, ldc: rowStride)
    for u in keyCount..<length { (dv + u * rowStride).update(repeating: 0, count: headDim) }
    // dP [length, keyCount] = dO · Vᵀ, then the softmax backward in place.
    gemm(.normal, .transposed, m: length, n: keyCount, k: headDim,
         a: outputGradient, lda: outputGradientStride, b: v, ldb: rowStride, c: scratch, ldc: length)
    for t in 0..<length {
        let p = probabilities + t * length, d = scratch + t * length
        var dot: Float = 0
        for u in 0..<keyCount { dot += p[u] * d[u] }
        for u in 0..<keyCount { d[u] = p[u] * (d[u] - dot) * scale }
        if keyCount < length { (d + keyCount).update(repeating: 0, count: length - keyCount) }
    }
    gemm(.normal, .normal, m: length, n: headDim, k: keyCount,
         a: scratch, lda: length, b: k, ldb: rowStride, c: dq, ldc: rowStride)
    gemm(.transposed, .normal, m: keyCount, n: headDim, k: length,
         a: scratch, lda: length, b: q, ldb: rowStride, c: dk, ldc: rowStride)
    for u in keyCount..<length { (dk + u * rowStride).update(repeating: 0, count: headDim) }
}
