/// Backward of `linearForward` (`y = x·Wᵀ + b`), given `outputGradient` dy [rows, outFeatures]:
/// `inputGradient` dx [rows, inFeatures] = dy·W (added to what is there when `accumulateInput`, as a
/// residual branch needs), `weightGradient` dW [out, in] += dyᵀ·x, `biasGradient` db [out] += Σ_rows dy.
/// Parameter gradients always accumulate, so gradient accumulation over micro-batches is free.
public func linearBackward(
    input: UnsafePointer<Float>, rows: Int, inFeatures: Int,
    weight: UnsafePointer<Float>, outFeatures: Int,
    outputGradient: UnsafePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>?, accumulateInput: Bool = false,
    weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
    policy: ComputePolicy
) {
    if let inputGradient {
        parallelGemm(.normal, .normal, m: rows, n: inFeatures, k: outFeatures,
                     a: outputGradient, lda: outFeatures, b: weight, ldb: inFeatures,
                     beta: accumulateInput ? 1 : 0, c: inputGradient, ldc: inFeatures, policy: policy)
    }
    parallelGemm(.transposed, .normal, m: outFeatures, n: inFeatures, k: rows,
                 a: outputGradient, lda: outFeatures, b: input, ldb: inFeatures,
                 beta: 1, c: weightGradient, ldc: inFeatures, policy: policy)
    if let biasGradient { columnSumBackward(values: outputGradient, rows: rows, width: outFeatures, into: biasGradient) }
}

/// `into[j] += Σ_r values[r, j]`: the gradient of a bias added to every row.
public func columnSumBackward(values: UnsafePointer<Float>, rows: Int, width: Int, into: UnsafeMutablePointer<Float>) {
    let lanes = FloatVector.scalarCount
    for r in 0..<rows {
        let row = values + r * width
        var j = 0
        while j + lanes <= width { storeVector(loadVector(into + j) + loadVector(row + j), into + j); j += lanes }
        while j < width { into[j] += row[j]; j += 1 }
    }
}
