/// Largest absolute difference between two equally long arrays (infinity when lengths differ).
public func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var worst: Float = 0
    for i in a.indices {
        let d = abs(a[i] - b[i])
        if d.isNaN { return .infinity }
        worst = max(worst, d)
    }
    return worst
}

/// |a - b| / max(‖b‖∞, tiny): an error relative to the reference's scale.
public func relativeMaxDifference(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.reduce(Float(0)) { max($0, abs($1)) }
    return maxAbsDifference(a, b) / max(scale, 1e-30)
}
