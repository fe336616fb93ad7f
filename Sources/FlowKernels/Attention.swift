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

    /// Keys visible to at least one query of `queries` (the union of their ranges, which is contiguous).
    @inlinable
    public func visibleKeys(queries: Range<Int>, keyCount: Int) -> Range<Int> {
        switch self {
        case .global: return 0..<keyCount
        case let .sliding(w):
            let lower = Swift.max(0, queries.lowerBound - w), upper = Swift.min(keyCount, queries.upperBound + w)
            return lower < upper ? lower..<upper : 0..<0
        }
    }
}

/// One head of bidirectional attention over one sequence of `length` rows:
/// `out = softmax(q·kᵀ / √d, masked) · v`. `q`, `k`, `v` and `out` are column slices (stride `rowStride` /
/// `outStride`) so heads are read straight out of the fused QKV buffer. Only the first `keyCount` keys are
/// real; everything outside a query's visible range gets probability 0. A query that sees no key (a padded
/// row beyond the window) gets a zero output. `probabilities` [length, length] receives the attention
/// weights, which a backward pass can keep. Sliding windows run in query blocks whose GEMMs cover only the
/// keys the block can see, so long sequences cost O(T·window), not O(T²).
public func attentionForward(
    q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, rowStride: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int,
    length: Int, headDim: Int, keyCount: Int, window: AttentionWindow,
    probabilities: UnsafeMutablePointer<Float>, unit: VectorUnit = .best
) {
    guard length > 0 else { return }
    let scale = 1 / Float(headDim).squareRoot()
    let blockSize: Int
    switch window {
    case .global: blockSize = length
    // Blocks pay off only when a block's keys are fewer than all of them; a window covering twice the
    // sequence makes every block see every key, so one block does (one packing of k and v per head).
    case let .sliding(w): blockSize = 2 * w >= length ? length : Swift.max(16, Swift.min(length, w))
    }
    var blockStart = 0
    while blockStart < length {
        let blockEnd = Swift.min(length, blockStart + blockSize)
        let keys = window.visibleKeys(queries: blockStart..<blockEnd, keyCount: keyCount)
        let rows = probabilities + blockStart * length
        if !keys.isEmpty && unit == .avx512 {
            packedProduct(m: blockEnd - blockStart, n: keys.count, k: headDim, x: q + blockStart * rowStride, ldx: rowStride,
                          .transposed, b: k + keys.lowerBound * rowStride, ldb: rowStride, c: rows + keys.lowerBound, ldc: length)
        } else if !keys.isEmpty {
            gemm(.normal, .transposed, m: blockEnd - blockStart, n: keys.count, k: headDim,
                 a: q + blockStart * rowStride, lda: rowStride, b: k + keys.lowerBound * rowStride, ldb: rowStride,
                 c: rows + keys.lowerBound, ldc: length)
        }
        for t in blockStart..<blockEnd {
            let row = probabilities + t * length
            let visible = window.visibleKeys(query: t, keyCount: keyCount)
            if visible.isEmpty { row.update(repeating: 0, count: length); continue }
            softmaxForward(row: row + visible.lowerBound, count: visible.count, scale: scale, unit: unit)
            if visible.lowerBound > 0 { row.update(repeating: 0, count: visible.lowerBound) }
            if visible.upperBound < length { (row + visible.upperBound).update(repeating: 0, count: length - visible.upperBound) }
        }
        if keys.isEmpty {
            for t in blockStart..<blockEnd { (out + t * outStride).update(repeating: 0, count: headDim) }
        } else if unit == .avx512 {
            packedProduct(m: blockEnd - blockStart, n: headDim, k: keys.count, x: rows + keys.lowerBound, ldx: length,
                          .normal, b: v + keys.lowerBound * rowStride, ldb: rowStride, c: out + blockStart * outStride, ldc: outStride)
        } else {
            gemm(.normal, .normal, m: blockEnd - blockStart, n: headDim, k: keys.count,
                 a: rows + keys.lowerBound, lda: length, b: v + keys.lowerBound * rowStride, ldb: rowStride,
                 c: out + blockStart * outStride, ldc: outStride)
        }
        blockStart = blockEnd
    }
}
