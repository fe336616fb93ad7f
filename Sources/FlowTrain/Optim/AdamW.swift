import CVectorMath
import Foundation
import FlowCore
import FlowKernels

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

    public mutating func update(parameters: inout [Float], gradients: [Float], learningRate: Double,
                                policy: ComputePolicy = .serial, unit: VectorUnit = .best) {
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                update(parameters: p, gradients: g, learningRate: learningRate, policy: policy, unit: unit)
            }
        }
    }

    /// One update. Every element is independent, so the arena is cut into chunks the policy's workers
    /// share; the result does not depend on the split (tested bit for bit).
    public mutating func update(parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeBufferPointer<Float>,
                                learningRate lr: Double, policy: ComputePolicy = .serial, unit: VectorUnit = .best) {
        precondition(parameters.count == parameterCount && gradients.count == parameterCount, "AdamW: arena sizes differ")
        step += 1
        let t = Double(step)
        let constants = Constants(
            decayFactor: Float(1 - lr * config.weightDecay), oneMinusBeta1: Float(1 - config.beta1),
            beta2: Float(config.beta2), oneMinusBeta2: Float(1 - config.beta2),
            negativeStepSize: Float(-lr / (1 - pow(config.beta1, t))),
            biasCorrection2Sqrt: Float((1 - pow(config.beta2, t)).squareRoot()), eps: Float(config.epsilon))
        let segments = Self.segments(count: parameterCount, decayRanges: decayRanges, decays: config.weightDecay != 0)
        let chunk = 1 << 16
        let pieces = segments.flatMap { segment in
            stride(from: segment.range.lowerBound, to: segment.range.upperBound, by: chunk).map {
                (range: $0..<min($0 + chunk, segment.range.upperBound), decay: segment.decay)
            }
        }
        let p = SendablePointer(parameters.baseAddress!), g = SendableConstPointer(gradients.baseAddress!)
        firstMoment.withUnsafeMutableBufferPointer { m in
            secondMoment.withUnsafeMutableBufferPointer { v in
                let sm = SendablePointer(m.baseAddress!), sv = SendablePointer(v.baseAddress!)
                policy.forEachChunk(pieces.count) { indices in
                    for piece in pieces[indices] {
                        if unit == .avx512 {
                            let i = piece.range.lowerBound, c = constants
                            flowlm_adamw_avx512(p.pointer + i, g.pointer + i, sm.pointer + i, sv.pointer + i,
                                                Int64(piece.range.count), piece.decay ? 1 : 0, c.decayFactor,
                                                c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.negativeStepSize,
                                                c.biasCorrection2Sqrt, c.eps)
                        } else {
                            Self.run(piece.range, decay: piece.decay, constants, p.pointer, g.pointer, sm.pointer, sv.pointer)
                        }
                    }
                }
            }
        }
    }

    struct Constants {
        var decayFactor, oneMinusBeta1, beta2, oneMinusBeta2, negativeStepSize, biasCorrection2Sqrt, eps: Float
    }

    /// The arena as consecutive (range, decays) runs.
    static func segments(count: Int, decayRanges: [Range<Int>], decays: Bool) -> [(range: Range<Int>, decay: Bool)] {
        var out: [(range: Range<Int>, decay: Bool)] = []
        var cursor = 0
        for r in decayRanges {
            if r.lowerBound > cursor { out.append((cursor..<r.lowerBound, false)) }
            out.append((r, decays))
            cursor = r.upperBound
        }
        if cursor < count { out.append((cursor..<count, false)) }
        return out
    }

    @inline(__always)
    static func run(_ range: Range<Int>, decay: Bool, _ c: Constants, _ parameters: UnsafeMutablePointer<Float>,
                    _ gradients: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>) {
        for i in range {
            if decay { parameters[i] *= c.decayFactor }
            let gi = gradients[i]
            m[i] = m[i].addingProduct(c.oneMinusBeta1, gi - m[i])
            v[i] = (c.beta2 * v[i]).addingProduct(c.oneMinusBeta2 * gi, gi)
            let denom = v[i].squareRoot() / c.biasCorrection2Sqrt + c.eps
            parameters[i] += (c.negativeStepSize * m[i]) / denom
        }
    }
}
