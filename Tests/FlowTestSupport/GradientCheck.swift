/// Central finite differences of a scalar function, accumulated in Double: the numerical twin every
/// backward kernel is checked against. `step` is large enough that float32 rounding in `f` stays small.
public func numericalGradient(at x: [Float], step: Float = 1e-2, _ f: ([Float]) -> Double) -> [Float] {
    var probe = x
    var gradient = [Float](repeating: 0, count: x.count)
    for i in x.indices {
        probe[i] = x[i] + step
        let up = f(probe)
        probe[i] = x[i] - step
        let down = f(probe)
        probe[i] = x[i]
        gradient[i] = Float((up - down) / (2 * Double(step)))
    }
    return gradient
}

/// Σ weights[i]·values[i] in Double: a random projection that turns any output into a scalar loss whose
/// gradient with respect to the output is `weights`.
public func projectedLoss(_ values: [Float], _ weights: [Float]) -> Double {
    zip(values, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Error of an analytic gradient relative to the numerical one's largest entry.
public func gradientError(analytic: [Float], numerical: [Float]) -> Float {
    let scale = max(numerical.reduce(Float(0)) { max($0, abs($1)) }, 1e-3)
    return maxAbsDifference(analytic, numerical) / scale
}
