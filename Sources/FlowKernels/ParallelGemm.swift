/// `gemm` split across the policy's workers, each slice a single-threaded OpenBLAS call. Every worker
/// packs the whole of the operand it does not split, so the split runs along the larger of m and n and
/// duplicates the packing of the smaller operand: columns for a short batch through a wide layer (each
/// worker packs only its share of the weights), rows for a training batch of thousands of tokens (the
/// weights, packed twice, are the smaller side). Small products run as one call: splitting them costs
/// more than it saves.
public func parallelGemm(
    _ orientationA: MatrixOrientation, _ orientationB: MatrixOrientation,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    policy: ComputePolicy
) {
    let work = m * n * k
    if policy.workers <= 1 || work < 1 << 18 {
        gemm(orientationA, orientationB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
             beta: beta, c: c, ldc: ldc)
        return
    }
    let sa = SendableConstPointer(a), sb = SendableConstPointer(b), sc = SendablePointer(c)
    if n < 32 * policy.workers || m > n {
        // Rows of C come from rows of op(A).
        policy.forEachChunk(m, minimumChunk: 16) { rows in
            let aStart = orientationA == .normal ? rows.lowerBound * lda : rows.lowerBound
            gemm(orientationA, orientationB, m: rows.count, n: n, k: k, alpha: alpha,
                 a: sa.pointer + aStart, lda: lda, b: sb.pointer, ldb: ldb,
                 beta: beta, c: sc.pointer + rows.lowerBound * ldc, ldc: ldc)
        }
    } else {
        // Columns of C come from columns of op(B).
        policy.forEachChunk(n, minimumChunk: 16) { cols in
            let bStart = orientationB == .normal ? cols.lowerBound : cols.lowerBound * ldb
            gemm(orientationA, orientationB, m: m, n: cols.count, k: k, alpha: alpha,
                 a: sa.pointer, lda: lda, b: sb.pointer + bStart, ldb: ldb,
                 beta: beta, c: sc.pointer + cols.lowerBound, ldc: ldc)
        }
    }
}
