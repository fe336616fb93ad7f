/// `nn.Linear`: `output [rows, outFeatures] = input [rows, inFeatures] · weightᵀ (+ bias)` with the weight
/// stored [outFeatures, inFeatures] as PyTorch does. With `accumulate` the product is added to what
/// `output` holds (`output += …`), which fuses a residual connection into the GEMM and skips the pass
/// OpenBLAS spends zeroing C.
public func linearForward(
    input: UnsafePointer<Float>, rows: Int, inFeatures: Int,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures: Int,
    output: UnsafeMutablePointer<Float>, accumulate: Bool = false, policy: ComputePolicy
) {
    if TrainingGemm.usesPacked(m: rows, n: outFeatures, k: inFeatures) {
        packedGemm(m: rows, n: outFeatures, k: inFeatures, x: input, ldx: inFeatures, .transposed, b: weight,
                   ldb: inFeatures, bias: bias, accumulate: accumulate, c: output, ldc: outFeatures, policy: policy)
        return
    }
    parallelGemm(.normal, .transposed, m: rows, n: outFeatures, k: inFeatures,
                 a: input, lda: inFeatures, b: weight, ldb: inFeatures, beta: accumulate ? 1 : 0,
                 c: output, ldc: outFeatures, policy: policy)
    if let bias { biasAddForward(values: output, rows: rows, width: outFeatures, bias: bias) }
}
