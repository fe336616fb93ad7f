/// `nn.Linear`: `output [rows, outFeatures] = input [rows, inFeatures] · weightᵀ (+ bias)` with the weight
/// stored [outFeatures, inFeatures] as PyTorch does.
public func linearForward(
    input: UnsafePointer<Float>, rows: Int, inFeatures: Int,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures: Int,
    output: UnsafeMutablePointer<Float>, policy: ComputePolicy
) {
    parallelGemm(.normal, .transposed, m: rows, n: outFeatures, k: inFeatures,
                 a: input, lda: inFeatures, b: weight, ldb: inFeatures, c: output, ldc: outFeatures, policy: policy)
    if let bias { biasAddForward(values: output, rows: rows, width: outFeatures, bias: bias) }
}
