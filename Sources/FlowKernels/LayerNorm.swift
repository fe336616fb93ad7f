import CVectorMath

/// `output[r] = (input[r] − mean) / sqrt(var + eps) · weight (+ bias)` over rows of `width`, with the
/// biased variance, as `nn.LayerNorm` computes it. Two passes (mean, then squared deviations) keep
/// float32 accuracy. `mean` and `rstd` (one value per row), when given, receive what a backward pass needs.
/// `output` may alias `input`.
public func layerNormForward(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    rows: Int, width: Int,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
    eps: Float,
    mean savedMean: UnsafeMutablePointer<Float>? = nil, rstd savedRstd: UnsafeMutablePointer<Float>? = nil,
    unit: VectorUnit = .best
) {
    if unit == .avx512 {
        flowlm_layer_norm_avx512(input, output, Int64(rows), Int64(width), weight, bias, eps, savedMean, savedRstd)
        return
    }
    let lanes = FloatVector.scalarCount
    let vectorEnd = width - width % lanes
    let inverseWidth = 1 / Float(width)
    for r in 0..<rows {
        let x = input + r * width
        let y = output + r * width
        var sum = FloatVector.zero
        var i = 0
        while i < vectorEnd { sum += loadVector(x + i); i += lanes }
        var total = horizontalSum(sum)
        while i < width { total += x[i]; i += 1 }
        let mean = total * inverseWidth

        var squares = FloatVector.zero
        let meanVector = FloatVector(repeating: mean)
        i = 0
        while i < vectorEnd { let d = loadVector(x + i) - meanVector; squares += d * d; i += lanes }
        var squareTotal = horizontalSum(squares)
        while i < width { let d = x[i] - mean; squareTotal += d * d; i += 1 }
        let rstd = 1 / (squareTotal * inverseWidth + eps).squareRoot()
        savedMean?[r] = mean
        savedRstd?[r] = rstd

        let rstdVector = FloatVector(repeating: rstd)
        i = 0
        if let bias {
            while i < vectorEnd {
                storeVector((loadVector(x + i) - meanVector) * rstdVector * loadVector(weight + i) + loadVector(bias + i), y + i)
                i += lanes
            }
            while i < width { y[i] = (x[i] - mean) * rstd * weight[i] + bias[i]; i += 1 }
        } else {
            while i < vectorEnd {
                storeVector((loadVector(x + i) - meanVector) * rstdVector * loadVector(weight + i), y + i)
                i += lanes
            }
            while i < width { y[i] = (x[i] - mean) * rstd * weight[i]; i += 1 }
        }
    }
}
