import Foundation
import FlowCore

public struct AdamWConfig: Sendable, Equatable, Codable {
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Double = 1e-8
    public var weightDecay: Double = 0.01
    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0.01) {
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
    }
}

/// AdamW over one flat parameter arena, computed as PyTorch's single-tensor `torch.optim.AdamW` does
/// (modernbert.md §6): at step t,
///
///     p ← p · (1 − lr·wd)                      (only where weight decay applies)
///     m ← fma(1−β1, g − m, m)                   (torch's lerp_, equal to β1·m + (1−β1)·g)
///     v ← fma((1−β2)·g, g, β2·v)                (torch's mul_ then addcmul_)
///     p ← p + (−lr/(1−β1^t) · m) / (√v / √(1−β2^t) + eps)   (torch's addcdiv_)
///
/// Scalars are formed in Double and rounded to Float once, as torch passes Python floats to float32 kernels.
/// The element operations follow torch's CPU kernels term by term: lerp_ and addcmul_ are fused
/// multiply-adds there (AVX2 `fmadd`), addcdiv_ is (value·m)/denom. With that the result is bit-identical
/// to torch 2.13 on x86-64 (Fixtures/train/adamw.safetensors), not merely within rounding.
public struct AdamW: Sendable {
    public let config: AdamWConfig
    /// Ranges of the arena that get weight decay (sorted, disjoint); the rest is never decayed.
    public let decayRanges: [Range<Int>]
    public private(set) var firstMoment: [Float]
    public private(set) var secondMoment: [Float]
    /// Number of updates applied so far (torch's `state["step"]`).
    public private(set) var step: Int

    public init(parameterCount: Int, config: AdamWConfig = AdamWConfig(), decayRanges: [Range<Int>]) {
        let sorted = decayRanges.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            precondition(a.upperBound <= b.lowerBound, "AdamW: decay ranges overlap")
        }
        precondition(sorted.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= parameterCount }, "AdamW: decay range outside the arena")
        self.config = config
        self.decayRanges = sorted
        self.firstMoment = [Float](repeating: 0, count: parameterCount)
        self.secondMoment = [Float](repeating: 0, count: parameterCount)
        self.step = 0
    }

    /// Restores saved moments (train state); nil when the sizes do not match the arena.
    public init?(config: AdamWConfig, decayRanges: [Range<Int>], firstMoment: [Float], secondMoment: [Float], step: Int) {
        guard firstMoment.count == secondMoment.count, step >= 0 else { return nil }
        self.init(parameterCount: firstMoment.count, config: config, decayRanges: decayRanges)
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.step = step
    }

    public var parameterCount: Int { firstMoment.count }

    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Double) {
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in update(parameters: p, gradients: g, learningRate: learningRate) }
        }
    }

    public mutating func update(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                                learningRate lr: Double) {
        precondition(parameters.count == parameterCount && gradients.count == parameterCount, "AdamW: arena sizes differ")
        step += 1
        let t = Double(step)
        let decayFactor = Float(1 - lr * config.weightDecay)
        let oneMinusBeta1 = Float(1 - config.beta1)
        let beta2 = Float(config.beta2)
        let oneMinusBeta2 = Float(1 - config.beta2)
        let negativeStepSize = Float(-lr / (1 - pow(config.beta1, t)))
        let biasCorrection2Sqrt = Float((1 - pow(config.beta2, t)).squareRoot())
        let eps = Float(config.epsilon)
        let decays = config.weightDecay != 0

        let ranges = decayRanges
        let count = parameterCount
        var cursor = 0
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                func run(_ range: Range<Int>, decay: Bool) {
                    for i in range {
                        if decay { parameters[i] *= decayFactor }
                        let gi = gradients[i]
                        m[i] = m[i].addingProduct(oneMinusBeta1, gi - m[i])
                        v[i] = (beta2 * v[i]).addingProduct(oneMinusBeta2 * gi, gi)
                        let denom = v[i].squareRoot() / biasCorrection2Sqrt + eps
                        parameters[i] += (negativeStepSize * m[i]) / denom
                    }
                }
                for r in ranges {
                    run(cursor..<r.lowerBound, decay: false)
                    run(r, decay: decays)
                    cursor = r.upperBound
                }
                run(cursor..<count, decay: false)
            }
        }
    }
}
