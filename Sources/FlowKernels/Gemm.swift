import COpenBLAS

/// Whether a GEMM operand is used as stored or transposed.
public enum MatrixOrientation: Sendable {
    case normal, transposed

    @inline(__always) var cblas: CBLAS_TRANSPOSE { self == .normal ? CblasNoTrans : CblasTrans }
}

/// Row-major `C = alpha · op(A) · op(B) + beta · C` with `op(A)` m×k and `op(B)` k×n, through OpenBLAS.
/// Leading dimensions are row strides as stored (before `op`), so operands can be column slices of wider
/// matrices (one head of a fused QKV buffer, for instance).
@inlinable
public func gemm(
    _ orientationA: MatrixOrientation, _ orientationB: MatrixOrientation,
    m: Int, n: Int, k: Int,
    alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0,
    c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    gemmKernel(orientationA, orientationB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

@usableFromInline
func gemmKernel(
    _ orientationA: MatrixOrientation, _ orientationB: MatrixOrientation,
    _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
    _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
    _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
) {
    cblas_sgemm(CblasRowMajor, orientationA.cblas, orientationB.cblas,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// The process-wide OpenBLAS thread count (OpenBLAS keeps it globally).
public enum BLASThreads {
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    public static var current: Int { Int(openblas_get_num_threads()) }
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}
