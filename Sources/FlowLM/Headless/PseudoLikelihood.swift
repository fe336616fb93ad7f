import Foundation
import FlowCore
import FlowDiffusion

/// How plausible a model finds a text: its pseudo-log-likelihood (Salazar et al., "Masked Language Model
/// Scoring", ACL 2020), each scored position masked in turn and the true token's log-probability read there.
/// With every token visible a corruption-and-correction model gives almost any token p ≈ 1, so that is no score;
/// masking the position asks the question the model was trained to answer. MASK itself is never a candidate,
/// as in the sampler.
public enum PseudoLikelihood {
    /// Mean and per-position log p(token | all other tokens) of `canvas` at `positions`, in batches of `batch`
    /// canvases per forward pass.
    public static func score(canvas: [TokenID], positions: [Int], denoiser: any Denoiser,
                             batch: Int = 32) throws -> (mean: Double, perPosition: [Double]) {
        let mask = denoiser.specialTokens.mask
        for p in positions where !canvas.indices.contains(p) {
            throw DiffusionError.invalidCanvas("position \(p) is outside the \(canvas.count) tokens")
        }
        guard !positions.isEmpty else { throw DiffusionError.invalidCanvas("no position to score") }
        var scores: [Double] = []
        scores.reserveCapacity(positions.count)
        var start = 0
        while start < positions.count {
            let chunk = Array(positions[start..<min(positions.count, start + max(1, batch))])
            let canvases = chunk.map { p -> [TokenID] in var c = canvas; c[p] = mask; return c }
            let matrices = try denoiser.logits(for: canvases)
            for (matrix, p) in zip(matrices, chunk) {
                scores.append(logProbability(of: canvas[p], in: matrix, row: p, excluding: mask))
            }
            start += chunk.count
        }
        return (scores.reduce(0, +) / Double(scores.count), scores)
    }

    static func logProbability(of token: TokenID, in matrix: LogitMatrix, row: Int, excluding excluded: TokenID) -> Double {
        var top = -Double.infinity
        for v in 0..<matrix.vocabularySize where v != Int(excluded) { top = max(top, Double(matrix[row, v])) }
        var sum = 0.0
        for v in 0..<matrix.vocabularySize where v != Int(excluded) { sum += exp(Double(matrix[row, v]) - top) }
        return Double(matrix[row, Int(token)]) - top - log(sum)
    }
}
