@testable import FlowKernels
extension Reference {
    /// Row-major `C = alpha · op(A) · op(B) + beta · C` with explicit strides.
    public static func gemm(_ orientationA: MatrixOrientation, _ orientationB: MatrixOrientation,
                            m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int, b: [Float], ldb: Int,
                            beta: Float, c: inout [Float], ldc: Int) {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = orientationA == .normal ? a[i * lda + p] : a[p * lda + i]
                    let y = orientationB == .normal ? b[p * ldb + j] : b[j * ldb + p]
                    sum += Double(x) * Double(y)
                }
                c[i * ldc + j] = alpha * Float(sum) + (beta == 0 ? 0 : beta * c[i * ldc + j])
            }
        }
    }
}
