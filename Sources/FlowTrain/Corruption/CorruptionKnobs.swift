import FlowCore

/// The four training objectives FlowLM compares like for like (DESIGN.md §3).
public enum Objective: String, Sendable, CaseIterable, Codable {
    /// Mask only; loss on masked positions weighted 1/t (LLaDA, MDLM).
    case llada
    /// Select positions, then 80/10/10 mask/random/keep; loss on the selected positions (BERT, the seed reference).
    case bert
    /// Hybrid: mask with m(t), substitute with s(t) tied to the mask rate, keep otherwise; loss everywhere editable.
    case flowlm
    /// Substitution only, loss on every editable position (SUNDAE-like).
    case uniform
}

/// Where substitutes come from. Either way only ordinary tokens (never reserved ids) and never the original.
public enum SubstituteDistribution: Sendable, Equatable, Codable {
    case uniform
    /// Proportional to the given per-id counts (e.g. corpus unigram counts); ids with count 0 are never drawn.
    case unigram(counts: [Double])
}

/// Every knob of the corruption, with the defaults documented in docs/DECISIONS.md.
public struct CorruptionKnobs: Sendable, Equatable, Codable {
    public var objective: Objective
    /// Noise levels are drawn uniformly in [minimumNoise, 1] (`eps`; avoids the 1/t blow-up of `llada`).
    public var minimumNoise: Double = 1e-3
    /// `flowlm`: the substitution rate at mask rate 1/2, s(r) = substitutionPeak · 4r(1−r).
    public var substitutionPeak: Double = 0.2
    /// `flowlm`: the substitution rate on a canvas with no masks, fading linearly to 0 at mask rate 1.
    public var substitutionFloor: Double = 0
    /// Loss weights per kind (`flowlm`, and `uniform` for substituted/kept).
    public var weightMasked: Float = 1
    public var weightSubstituted: Float = 1
    public var weightKept: Float = 1
    /// `bert`: the selection rate is drawn uniformly in this range per sequence. The seed reference drew
    /// [0.15, 0.99]; classic BERT is a fixed 0.15 (`selectionRateLow == selectionRateHigh == 0.15`).
    public var selectionRateLow: Double = 0.15
    public var selectionRateHigh: Double = 0.99
    /// `bert`: of the selected positions, the fraction masked and the fraction substituted (rest kept).
    public var bertMaskFraction: Double = 0.8
    public var bertRandomFraction: Double = 0.1
    public var substitutes: SubstituteDistribution = .uniform
    /// Share of the substitutions the trainer re-draws from the model's own prediction at that position
    /// (`ModelDrawnSubstitutes`); the rest keep their `substitutes` draw.
    public var modelSubstituteShare: Double = 0

    public init(objective: Objective) { self.objective = objective }

    /// Knob values as text, for model cards and logs (only the knobs the objective uses).
    public var summary: String {
        switch objective {
        case .llada:
            return "llada: t ~ U[\(minimumNoise), 1], mask rate t, loss on masked positions weighted 1/t"
        case .bert:
            return "bert: selection rate ~ U[\(selectionRateLow), \(selectionRateHigh)], "
                + "mask/random/keep \(bertMaskFraction)/\(bertRandomFraction)/\(1 - bertMaskFraction - bertRandomFraction)"
        case .flowlm:
            return "flowlm: t ~ U[\(minimumNoise), 1], mask rate t, substitution \(substitutionPeak)·4r(1−r)"
                + (substitutionFloor > 0 ? " + \(substitutionFloor)·(1−r)" : "") + ", "
                + "weights mask/sub/keep \(weightMasked)/\(weightSubstituted)/\(weightKept), substitutes \(substitutesSummary)"
        case .uniform:
            return "uniform: t ~ U[\(minimumNoise), 1], substitution rate t, weights sub/keep \(weightSubstituted)/\(weightKept), "
                + "substitutes \(substitutesSummary)"
        }
    }

    private var substitutesSummary: String {
        modelSubstituteShare > 0 ? "\(substitutes.name), a share \(modelSubstituteShare) re-drawn from the model" : substitutes.name
    }

    /// Checks ranges; the message names the knob.
    public func validate() throws(SettingError) {
        func require(_ ok: Bool, _ message: String) throws(SettingError) {
            if !ok { throw SettingError(message: message) }
        }
        try require(minimumNoise > 0 && minimumNoise <= 1, "minimum noise must be in (0, 1], got \(minimumNoise)")
        try require((0...1).contains(substitutionPeak), "substitution peak must be in [0, 1], got \(substitutionPeak)")
        try require((0...1).contains(substitutionFloor), "substitution floor must be in [0, 1], got \(substitutionFloor)")
        try require((0...1).contains(modelSubstituteShare),
                    "the share of model-drawn substitutes must be in [0, 1], got \(modelSubstituteShare)")
        for (name, w) in [("mask", weightMasked), ("substitute", weightSubstituted), ("keep", weightKept)] {
            try require(w.isFinite && w >= 0, "\(name) weight must be finite and non-negative, got \(w)")
        }
        try require(selectionRateLow > 0 && selectionRateLow <= selectionRateHigh && selectionRateHigh <= 1,
                    "selection rate range must satisfy 0 < low ≤ high ≤ 1, got [\(selectionRateLow), \(selectionRateHigh)]")
        try require(bertMaskFraction >= 0 && bertRandomFraction >= 0 && bertMaskFraction + bertRandomFraction <= 1,
                    "bert mask and random fractions must be non-negative with a sum ≤ 1")
    }
}

extension CorruptionKnobs {
    /// Knobs added after runs were saved decode to their defaults, so older train_state.json files still resume.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(objective: try c.decode(Objective.self, forKey: .objective))
        minimumNoise = try c.decode(Double.self, forKey: .minimumNoise)
        substitutionPeak = try c.decode(Double.self, forKey: .substitutionPeak)
        substitutionFloor = try c.decodeIfPresent(Double.self, forKey: .substitutionFloor) ?? 0
        weightMasked = try c.decode(Float.self, forKey: .weightMasked)
        weightSubstituted = try c.decode(Float.self, forKey: .weightSubstituted)
        weightKept = try c.decode(Float.self, forKey: .weightKept)
        selectionRateLow = try c.decode(Double.self, forKey: .selectionRateLow)
        selectionRateHigh = try c.decode(Double.self, forKey: .selectionRateHigh)
        bertMaskFraction = try c.decode(Double.self, forKey: .bertMaskFraction)
        bertRandomFraction = try c.decode(Double.self, forKey: .bertRandomFraction)
        substitutes = try c.decode(SubstituteDistribution.self, forKey: .substitutes)
        modelSubstituteShare = try c.decodeIfPresent(Double.self, forKey: .modelSubstituteShare) ?? 0
    }
}

extension SubstituteDistribution {
    var name: String {
        switch self {
        case .uniform: "uniform"
        case .unigram: "unigram"
        }
    }
}

/// A training setting out of range (corruption knobs, task settings, symbol sets); the message names it.
public struct SettingError: FlowLMError, Equatable {
    public let message: String
    public var description: String { "invalid setting: \(message)" }
}
