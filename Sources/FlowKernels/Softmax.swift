import FlowCore
import CVectorMath

/// In-place softmax of `row[0..<count]` after multiplying by `scale`, in float32 with a vectorised exp.
/// The maximum is subtracted first, so large scores do not overflow.
public func softmaxForward(row: UnsafeMutablePointer<Float>, count: Int, scale: Float = 1, unit: VectorUnit = .best) {
    guard count > 0 else { return }
    if unit == .avx512 { flowlm_softmax_avx512(row, Int64(count), scale); return }
    let lanes = FloatVector.scalarCount
    let vectorEnd = count - count % lanes
    var maxVector = FloatVector(repeating: -.infinity)
    var i = 0
    while i < vectorEnd {
        let v = loadVector(row + i)
        maxVector.replace(with: v, where: v .> maxVector)
        i += lanes
    }
    var maximum = horizontalMax(maxVector)
    while i < count { maximum = Swift.max(maximum, row[i]); i += 1 }

    let shift = FloatVector(repeating: maximum * scale)
    let scaleVector = FloatVector(repeating: scale)
    var sums = FloatVector.zero
    i = 0
    while i < vectorEnd {
        let e = fastExp(loadVector(row + i) * scaleVector - shift)
        storeVector(e, row + i)
        sums += e
        i += lanes
    }
    var total = horizontalSum(sums)
    if i < count {
        // The tail as one vector exp (lanes past the end hold −∞, whose exp is 0), summed in element order
        // so the result is bit-identical to a scalar tail.
        var tail = FloatVector(repeating: -.infinity)
        for lane in 0..<(count - i) { tail[lane] = row[i + lane] * scale }
        let e = fastExp(tail - shift)
        for lane in 0..<(count - i) { row[i + lane] = e[lane]; total += e[lane] }
        i = count
    }

    let inverse = FloatVector(repeating: 1 / total)
    i = 0
    while i < vectorEnd { storeVector(loadVector(row + i) * inverse, row + i); i += lanes }
    while i < count { row[i] = row[i] / total; i += 1 }
}
