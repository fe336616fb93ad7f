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
    if let inputGradient, TrainingGemm.usesPacked(m: rows, n: inFeatures, k: outFeatures) {
        packedGemm(m: rows, n: inFeatures, k: outFeatures, x: outputGradient, ldx: outFeatures, .normal, b: weight,
                   ldb: inFeatures, bias: nil, accumulate: accumulateInput, c: inputGradient, ldc: inFeatures, policy: policy)
    } else if let inputGradient {
        parallelGemm(.normal, .normal, m: rows, n: inFeatures, k: outFeatures,
                     a: outputGradient, lda: outFeatures, b: weight, ldb: inFeatures,
                     beta: accumulateInput ? 1 : 0, c: inputGradient, ldc: inFeatures, policy: policy)
    }
    weightGradientGemm(outputGradient: outputGradient, input: input, rows: rows, outFeatures: outFeatures,
                       inFeatures: inFeatures, into: weightGradient, policy: policy)
    if let biasGradient { columnSumBackward(values: outputGradient, rows: rows, width: outFeatures, into: biasGradient) }
}

/// `dW += dyᵀ·x`. With several workers and a long batch the sum over rows (the GEMM's depth) is split: each
/// worker multiplies its own rows, the first into dW, the others into scratch that is then added, so no
/// worker packs more than its share of either operand (a split of dW's rows or columns would make each pack
/// all 2048 rows of the other). The result depends on the worker count only in the last bits, deterministically.
func weightGradientGemm(outputGradient: UnsafePointer<Float>, input: UnsafePointer<Float>, rows: Int, outFeatures: Int,
                        inFeatures: Int, into weightGradient: UnsafeMutablePointer<Float>, policy: ComputePolicy) {
    let parts = min(policy.workers, rows / 256)
    guard parts > 1, outFeatures * inFeatures * rows >= 1 << 22 else {
        parallelGemm(.transposed, .normal, m: outFeatures, n: inFeatures, k: rows,
                     a: outputGradient, lda: outFeatures, b: input, ldb: inFeatures,
                     beta: 1, c: weightGradient, ldc: inFeatures, policy: policy)
        return
    }
    let size = outFeatures * inFeatures
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: (parts - 1) * size)
    defer { scratch.deallocate() }
    let dy = SendableConstPointer(outputGradient), x = SendableConstPointer(input)
    let dw = SendablePointer(weightGradient), partial = SendablePointer(scratch)
    policy.forEach(parts) { part in
        let lower = rows * part / parts, upper = rows * (part + 1) / parts
        gemm(.transposed, .normal, m: outFeatures, n: inFeatures, k: upper - lower,
             a: dy.pointer + lower * outFeatures, lda: outFeatures, b: x.pointer + lower * inFeatures, ldb: inFeatures,
             beta: part == 0 ? 1 : 0, c: part == 0 ? dw.pointer : partial.pointer + (part - 1) * size, ldc: inFeatures)
    }
    policy.forEachChunk(size, minimumChunk: 1 << 14) { range in
        for part in 1..<parts {
            let source = partial.pointer + (part - 1) * size
            for i in range { dw.pointer[i] += source[i] }
        }
    }
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
