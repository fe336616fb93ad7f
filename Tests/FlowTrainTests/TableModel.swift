import FlowCore
@testable import FlowTrain

/// The smallest differentiable model with a real gradient: logits(row) = W[input id of row] + b,
/// a V×V table plus a bias. It lets the training loop (accumulation, clipping, AdamW, resume) be tested
/// without the transformer.
final class TableModel: TrainableModel {
    let vocabularySize: Int
    var parameters: [Float]
    /// The model's own logits buffer, reallocated when the batch shape changes.
    private var logits = UnsafeMutableBufferPointer<Float>.allocate(capacity: 0)
    /// Makes the next forward return NaN logits (divergence test).
    var poisonNextForward = false

    init(vocabularySize: Int, seed: UInt64) {
        self.vocabularySize = vocabularySize
        var rng = FlowRandom(seed: seed)
        parameters = (0..<(vocabularySize * vocabularySize + vocabularySize)).map { _ in Float(rng.nextGaussian() * 0.02) }
    }

    deinit { logits.deallocate() }

    var parameterCount: Int { parameters.count }
    var parameterSlices: [ParameterSlice] {
        let table = vocabularySize * vocabularySize
        return [ParameterSlice(name: "table.weight", range: 0..<table),
                ParameterSlice(name: "table.bias", range: table..<(table + vocabularySize))]
    }

    func forward(_ batch: Batch) throws -> UnsafeMutableBufferPointer<Float> {
        let V = vocabularySize, rows = batch.inputIds.count
        if logits.count != rows * V {
            logits.deallocate()
            logits = .allocate(capacity: rows * V)
        }
        let bias = V * V
        for r in 0..<rows {
            let id = Int(batch.inputIds[r])
            for v in 0..<V { logits[r * V + v] = parameters[id * V + v] + parameters[bias + v] }
        }
        if poisonNextForward { logits.update(repeating: .nan); poisonNextForward = false }
        return logits
    }

    func backward(_ batch: Batch, dlogits: UnsafeBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>) throws {
        let V = vocabularySize, bias = V * V
        for r in 0..<batch.inputIds.count {
            let id = Int(batch.inputIds[r])
            for v in 0..<V {
                gradients[id * V + v] += dlogits[r * V + v]
                gradients[bias + v] += dlogits[r * V + v]
            }
        }
    }

    func withParameters<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try parameters.withUnsafeMutableBufferPointer { try body($0) }
    }
}
