/// Global-norm clipping and gradient accumulation over a flat gradient arena.
public enum GradientClipping {
    /// √(Σ g²) accumulated in Double.
    public static func globalNorm(_ gradients: UnsafeBufferPointer<Float>) -> Double {
        var sum = 0.0
        for g in gradients { sum += Double(g) * Double(g) }
        return sum.squareRoot()
    }

    public static func globalNorm(_ gradients: [Float]) -> Double {
        gradients.withUnsafeBufferPointer { globalNorm($0) }
    }

    /// Scales the gradients as `torch.nn.utils.clip_grad_norm_` does (coefficient max/(norm + 1e-6),
    /// applied only when below 1) and returns the norm before clipping. A non-finite norm is returned
    /// untouched with the gradients left as they are: the caller stops training on it.
    @discardableResult
    public static func clip(_ gradients: UnsafeMutableBufferPointer<Float>, maxNorm: Double) -> Double {
        let norm = globalNorm(UnsafeBufferPointer(gradients))
        guard norm.isFinite else { return norm }
        let coefficient = maxNorm / (norm + 1e-6)
        if coefficient < 1 {
            let c = Float(coefficient)
            for i in gradients.indices { gradients[i] *= c }
        }
        return norm
    }

    @discardableResult
    public static func clip(_ gradients: inout [Float], maxNorm: Double) -> Double {
        gradients.withUnsafeMutableBufferPointer { clip($0, maxNorm: maxNorm) }
    }
}

/// Sums micro-batch gradients so that the result equals one big batch under `.sumOfWeights`
/// normalisation: micro-batch k's gradient (normalised by its own weight sum W_k) enters with
/// factor W_k, and `finish` divides by Σ W_k.
public struct GradientAccumulator: Sendable {
    public private(set) var sum: [Float]
    public private(set) var totalWeight = 0.0
    public private(set) var microBatches = 0

    public init(parameterCount: Int) { sum = [Float](repeating: 0, count: parameterCount) }

    public mutating func add(_ gradients: UnsafeBufferPointer<Float>, weightSum: Double) {
        precondition(gradients.count == sum.count, "GradientAccumulator: arena sizes differ")
        microBatches += 1
        guard weightSum > 0 else { return }
        totalWeight += weightSum
        let w = Float(weightSum)
        sum.withUnsafeMutableBufferPointer { s in
            for i in s.indices { s[i] += w * gradients[i] }
        }
    }

    public mutating func add(_ gradients: [Float], weightSum: Double) {
        gradients.withUnsafeBufferPointer { add($0, weightSum: weightSum) }
    }

    /// The averaged gradient; the accumulator is reset for the next step.
    public mutating func finish() -> [Float] {
        var out = sum
        if totalWeight > 0 {
            let inverse = Float(1 / totalWeight)
            for i in out.indices { out[i] *= inverse }
        }
        reset()
        return out
    }

    public mutating func reset() {
        for i in sum.indices { sum[i] = 0 }
        totalWeight = 0
        microBatches = 0
    }
}
