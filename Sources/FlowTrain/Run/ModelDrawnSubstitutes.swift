import FlowCore

/// Substitutes drawn from the model being trained (research_idea.md §8): the model sees the canvas with the
/// chosen substituted positions masked, and each gets a token sampled from its prediction there (never the
/// original). Uniform substitutes are easy to doubt; these are the plausible mistakes a sampler makes, which a
/// C&C model trained on uniform noise alone judges right (research_idea.md §6.3).
enum ModelDrawnSubstitutes {
    /// Re-draws each substituted position of `batch` with probability `share`; returns how many changed.
    /// Costs one forward pass (no backward) when any position is chosen. Deterministic in `rng`.
    static func redraw<Model: TrainableModel>(_ batch: inout Batch, share: Double, model: Model,
                                              sampler: SubstituteSampler, mask: TokenID,
                                              using rng: inout FlowRandom) throws -> Int {
        guard share > 0 else { return 0 }
        var chosen: [Int] = []
        for i in batch.kinds.indices where batch.kinds[i] == .substituted && rng.nextDouble() < share {
            chosen.append(i)
        }
        guard !chosen.isEmpty else { return 0 }
        var probe = batch
        for i in chosen { probe.inputIds[i] = mask }
        let logits = try model.forward(probe)
        let v = model.vocabularySize
        var redrawn = 0
        for i in chosen {
            let row = UnsafeBufferPointer(rebasing: logits[(i * v)..<((i + 1) * v)])
            if let id = sampler.draw(fromLogits: row, replacing: batch.labels[i], using: &rng) {
                batch.inputIds[i] = id
                redrawn += 1
            }
        }
        return redrawn
    }

    /// The generator for step `step`'s draws: a function of the run's seed and the step alone, so a resumed
    /// run draws what an uninterrupted one would.
    static func random(seed: UInt64, step: Int) -> FlowRandom {
        FlowRandom(seed: seed ^ 0x6D6F_6465_6C5F_7375 &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15)
    }
}
