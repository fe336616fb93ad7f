import CVectorMath

/// Backward of `layerNormForward`, from the `mean` and `rstd` it saved.
/// With x̂ = (x − mean)·rstd and g = dy·weight: dx = rstd · (g − mean(g) − x̂·mean(g·x̂)).
/// `inputGradient` is overwritten, or added to when `accumulateInput` (a residual stream's gradient);
/// `weightGradient` += Σ dy·x̂ and `biasGradient` += Σ dy always accumulate.
public func layerNormBackward(
    input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
    inputGradient: UnsafeMutablePointer<Float>, accumulateInput: Bool = false,
    rows: Int, width: Int,
    weight: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
    weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?,
    unit: VectorUnit = .best
) {
    if unit == .avx512 {
        flowlm_layer_norm_backward_avx512(input, outputGradient, inputGradient, accumulateInput ? 1 : 0, Int64(rows),
                                          Int64(width), weight, mean, rstd, weightGradient, biasGradient)
        return
    }
    let lanes = FloatVector.scalarCount
    let vectorEnd = width - width % lanes
    let inverseWidth = 1 / Float(width)
    for r in 0..<rows {
        let x = input + r * width, dy = outputGradient + r * width, dx = inputGradient + r * width
        let meanVector = FloatVector(repeating: mean[r]), rstdVector = FloatVector(repeating: rstd[r])
        var gSum = FloatVector.zero, gxSum = FloatVector.zero
        var i = 0
        while i < vectorEnd {
            let xhat = (loadVector(x + i) - meanVector) * rstdVector
            let g = loadVector(dy + i) * loadVector(weight + i)
            gSum += g
            gxSum += g * xhat
            storeVector(loadVector(weightGradient + i) + loadVector(dy + i) * xhat, weightGradient + i)
            i += lanes
        }
        var gTotal = horizontalSum(gSum), gxTotal = horizontalSum(gxSum)
        while i < width {
            let xhat = (x[i] - mean[r]) * rstd[r]
            let g = dy[i] * weight[i]
            gTotal += g
            gxTotal += g * xhat
            weightGradient[i] += dy[i] * xhat
            i += 1
        }
        if let biasGradient {
            i = 0
            while i < vectorEnd { storeVector(loadVector(biasGradient + i) + loadVector(dy + i), biasGradient + i); i += lanes }
            while i < width { biasGradient[i] += dy[i]; i += 1 }
        }
        let gMean = FloatVector(repeating: gTotal * inverseWidth), gxMean = FloatVector(repeating: gxTotal * inverseWidth)
        i = 0
        while i < vectorEnd {
            let xhat = (loadVector(x + i) - meanVector) * rstdVector
            var d = rstdVector * (loadVector(dy + i) * loadVector(weight + i) - gMean - xhat * gxMean)
            if accumulateInput { d += loadVector(dx + i) }
            storeVector(d, dx + i)
            i += lanes
        }
        while i < width {
            let xhat = (x[i] - mean[r]) * rstd[r]
            let d = rstd[r] * (dy[i] * weight[i] - gMean[0] - xhat * gxMean[0])
            dx[i] = accumulateInput ? dx[i] + d : d
            i += 1
        }
    }
}
