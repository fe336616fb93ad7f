import FlowCore

/// Applies one objective's corruption to sequences. Deterministic: the same generator state gives the
/// same corruption. Positions that are not editable (prompt, padding) or hold a reserved id are never
/// changed and never scored, whatever the caller's `editable` mask says.
public struct Corruptor: Sendable {
    public let knobs: CorruptionKnobs
    public let specials: SpecialTokens
    public let substitutes: SubstituteSampler

    /// `excluded` lists ids besides `specials.reserved` that must never be drawn as substitutes
    /// (e.g. unused added tokens).
    public init(knobs: CorruptionKnobs, specials: SpecialTokens, vocabularySize: Int,
                excluded: [TokenID] = []) throws(SettingError) {
        try knobs.validate()
        self.knobs = knobs
        self.specials = specials
        self.substitutes = try SubstituteSampler(vocabularySize: vocabularySize, excluded: specials.reserved + excluded,
                                                 distribution: knobs.substitutes)
    }

    /// Corrupts one sequence. `editable[i]` false marks prompt and padding; it must match `clean` in length.
    public func corrupt(_ clean: [TokenID], editable: [Bool], using rng: inout FlowRandom) -> CorruptedSequence {
        precondition(clean.count == editable.count, "Corruptor.corrupt: ids and editable mask differ in length")
        var out = CorruptedSequence(input: clean, labels: clean, weights: [Float](repeating: 0, count: clean.count),
                                    kinds: [PositionKind](repeating: .ignored, count: clean.count), noiseLevel: 0)
        switch knobs.objective {
        case .llada: corruptMaskOnly(&out, editable: editable, rng: &rng)
        case .bert: corruptBert(&out, editable: editable, rng: &rng)
        case .flowlm: corruptHybrid(&out, editable: editable, rng: &rng)
        case .uniform: corruptUniform(&out, editable: editable, rng: &rng)
        }
        return out
    }

    private func isEditable(_ i: Int, _ clean: [TokenID], _ editable: [Bool]) -> Bool {
        editable[i] && !specials.isReserved(clean[i])
    }

    private func drawNoise(_ rng: inout FlowRandom) -> Double {
        knobs.minimumNoise + (1 - knobs.minimumNoise) * rng.nextDouble()
    }

    private func corruptMaskOnly(_ s: inout CorruptedSequence, editable: [Bool], rng: inout FlowRandom) {
        let t = drawNoise(&rng)
        s.noiseLevel = t
        let weight = Float(1 / t)
        for i in s.labels.indices where isEditable(i, s.labels, editable) {
            if rng.nextDouble() < t { mask(&s, i, weight) }
        }
    }

    private func corruptBert(_ s: inout CorruptedSequence, editable: [Bool], rng: inout FlowRandom) {
        let rate = knobs.selectionRateLow + (knobs.selectionRateHigh - knobs.selectionRateLow) * rng.nextDouble()
        s.noiseLevel = rate
        let maskCut = knobs.bertMaskFraction
        let randomCut = knobs.bertMaskFraction + knobs.bertRandomFraction
        for i in s.labels.indices where isEditable(i, s.labels, editable) {
            guard rng.nextDouble() < rate else { continue }
            let u = rng.nextDouble()
            if u < maskCut {
                mask(&s, i, 1)
            } else if u < randomCut {
                substitute(&s, i, 1, &rng)
            } else {
                keep(&s, i, 1)
            }
        }
    }

    private func corruptHybrid(_ s: inout CorruptedSequence, editable: [Bool], rng: inout FlowRandom) {
        let t = drawNoise(&rng)
        s.noiseLevel = t
        let m = HybridSchedule.maskRate(at: t)
        let sub = HybridSchedule.substitutionRate(maskRate: m, peak: knobs.substitutionPeak,
                                                   floor: knobs.substitutionFloor)
        for i in s.labels.indices where isEditable(i, s.labels, editable) {
            let u = rng.nextDouble()
            if u < m {
                mask(&s, i, knobs.weightMasked)
            } else if u < m + sub {
                substitute(&s, i, knobs.weightSubstituted, &rng)
            } else {
                keep(&s, i, knobs.weightKept)
            }
        }
    }

    private func corruptUniform(_ s: inout CorruptedSequence, editable: [Bool], rng: inout FlowRandom) {
        let t = drawNoise(&rng)
        s.noiseLevel = t
        for i in s.labels.indices where isEditable(i, s.labels, editable) {
            if rng.nextDouble() < t {
                substitute(&s, i, knobs.weightSubstituted, &rng)
            } else {
                keep(&s, i, knobs.weightKept)
            }
        }
    }

    private func mask(_ s: inout CorruptedSequence, _ i: Int, _ weight: Float) {
        s.input[i] = specials.mask
        s.kinds[i] = .masked
        s.weights[i] = weight
    }

    private func substitute(_ s: inout CorruptedSequence, _ i: Int, _ weight: Float, _ rng: inout FlowRandom) {
        s.input[i] = substitutes.draw(replacing: s.labels[i], using: &rng)
        s.kinds[i] = .substituted
        s.weights[i] = weight
    }

    private func keep(_ s: inout CorruptedSequence, _ i: Int, _ weight: Float) {
        s.kinds[i] = .kept
        s.weights[i] = weight
    }
}
