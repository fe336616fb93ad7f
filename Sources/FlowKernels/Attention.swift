/// Which keys a query may see: all of them, or those within `halfWidth` positions on either side
/// (ModernBERT's sliding window, `|t − u| ≤ local_attention / 2`).
public enum AttentionWindow: Sendable, Equatable {
    case global
    case sliding(halfWidth: Int)

    /// Keys visible to query `t` when only the first `keyCount` keys are real (right padding).
    @inlinable
    public func visibleKeys(query t: Int, keyCount: Int) -> Range<Int> {
        switch self {
        case .global: return 0..<keyCount
        case let .sliding(w):
            let lower = Swift.max(0, t - w), upper = Swift.min(keyCount, t + w + 1)
            return lower < upper ? lower..<upper : 0..<0
        }
    }
}

/// One head of bidirectional attention over one sequence of `length` rows:
/// `out = softmax(q·kᵀ / √d, masked) · v`. `q`, `k`, `v` and `out` are column slices (stride `rowStride` /
/// `outStride`) so heads are read straight out of the fused QKV buffer. Only the first `keyCount` keys are
/// real; everything outside a query's visible range gets probability 0. A query that sees no key (a padded
/// row beyond the window) gets a zero output. `probabilities` [length, length] receives the attention
/// weights, which a backward pass can keep.
public func attentionForward(
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, rowStride: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int,
    length: Int, headDim: Int, keyCount: Int, window: AttentionWindow,
    probabilities: UnsafeMutablePointer<Float>
) {
    guard length > 0 else { return }
    let scale = 1 / Float(headDim).squareRoot()
    gemm(.normal, .transposed, m: length, n: keyCount, k: headDim,
         a: q, lda: rowStride, b: k, ldb: rowStride, c: probabilities, ldc: length)
    for t in 0..<length {
        let row = probabilities + t * length
        let visible = window.visibleKeys(query: t, keyCount: keyCount)
        if visible.isEmpty {
            row.update(repeating: 0, count: length)
            continue
        }
        softmaxForward(row: row + visible.lowerBound, count: visible.count, scale: scale)
        if visible.lowerBound > 0 { row.update(repeating: 0, count: visible.lowerBound) }
        if visible.upperBound < length { (row + visible.upperBound).update(repeating: 0, count: length - visible.upperBound) }
    }
    gemm(.normal, .normal, m: length, n: headDim, k: keyCount,
         a: probabilities, lda: length, b: v, ldb: rowStride, c: out, ldc: outStride)
}
