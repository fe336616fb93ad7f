import FlowCore

/// Deterministic Gaussian test data.
func randomFloats(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var random = FlowRandom(seed: seed)
    return (0..<count).map { _ in Float(random.nextGaussian()) * scale }
}
