import Foundation

/// Linear warm-up to the peak, then cosine or linear decay to `peak · finalRatio` at `totalSteps`.
/// Steps are 0-based optimiser steps; step 0 already gets peak/warmup (HF's schedulers give step 0 a
/// learning rate of 0, a wasted step; docs/DECISIONS.md).
public struct LearningRateSchedule: Sendable, Equatable, Codable {
    public enum Decay: String, Sendable, Codable, CaseIterable { case cosine, linear, constant }

    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var decay: Decay
    public var finalRatio: Double

    public init(peak: Double, warmupSteps: Int, totalSteps: Int, decay: Decay = .cosine, finalRatio: Double = 0.1) {
        self.peak = peak; self.warmupSteps = max(0, warmupSteps); self.totalSteps = max(1, totalSteps)
        self.decay = decay; self.finalRatio = finalRatio
    }

    public func learningRate(atStep step: Int) -> Double {
        if step < warmupSteps { return peak * Double(step + 1) / Double(warmupSteps) }
        let floor = peak * finalRatio
        let span = max(1, totalSteps - warmupSteps)
        let progress = min(1, max(0, Double(step - warmupSteps) / Double(span)))
        switch decay {
        case .constant: return peak
        case .linear: return peak + (floor - peak) * progress
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + cos(Double.pi * progress))
        }
    }
}
