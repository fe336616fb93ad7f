import FlowCore

/// Runs many refiners to the end together, batching their forward passes: each round asks every
/// unfinished refiner for the canvas it needs, runs the denoiser on up to `batchSize` canvases per call,
/// hands the logits back, then steps each one. The steps are exactly those each refiner would take
/// alone (a refiner's plan depends only on its own canvas, logits and seed).
public enum LockstepRefinement {
    /// The steps each refiner took, in the refiners' order. Refiners must share `denoiser`.
    @discardableResult
    public static func run(_ refiners: [Refiner], denoiser: any Denoiser, batchSize: Int = 64,
                           maxSteps: Int = 100_000) throws(DiffusionError) -> [[RefinementStep]] {
        guard batchSize >= 1 else { throw .invalidKnob("batch size \(batchSize) must be at least 1") }
        var steps = [[RefinementStep]](repeating: [], count: refiners.count)
        var active = refiners.indices.filter { !refiners[$0].isFinished }
        var round = 0
        while !active.isEmpty && round < maxSteps {
            let needing = active.compactMap { i in refiners[i].canvasNeedingLogits.map { (i, $0) } }
            var start = 0
            while start < needing.count {
                let chunk = needing[start..<min(start + batchSize, needing.count)]
                let output: [LogitMatrix]
                do { output = try denoiser.logits(for: chunk.map(\.1)) } catch let error as DiffusionError { throw error } catch {
                    throw .denoiser("\(error)")
                }
                guard output.count == chunk.count else {
                    throw .denoiser("returned \(output.count) logit matrices for \(chunk.count) canvases")
                }
                for ((i, tokens), logits) in zip(chunk, output) { try refiners[i].supplyLogits(logits, for: tokens) }
                start += batchSize
            }
            for i in active {
                if let step = try refiners[i].step() { steps[i].append(step) }
            }
            active.removeAll { refiners[$0].isFinished }
            round += 1
        }
        return steps
    }
}
