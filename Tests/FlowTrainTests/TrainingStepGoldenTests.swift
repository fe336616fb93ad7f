import Foundation
import Testing
import FlowCore
import FlowModel
import FlowTestSupport
@testable import FlowTrain

/// One whole training step of ModernBERT (forward, weighted loss, backward, AdamW) against PyTorch
/// autograd and torch.optim.AdamW (Tools/make_train_fixtures.py).
@Suite struct TrainingStepGoldenTests {
    @Test(arguments: ["default", "biases"])
    func oneStepMatchesPyTorch(name: String) throws {
        let directory = FixturePath.url("train/\(name)")
        let step = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("step.safetensors"))
        let trainable = TrainableModernBert(model: try ModelDirectory(directory).loadModel(), policy: .serial)
        let shape = try #require(step.info("input_ids")).shape
        let (rows, length) = (shape[0], shape[1])
        let input = try step.integers("input_ids"), clean = try step.integers("clean_ids"), labels = try step.integers("labels")
        let weights = try step.floats("weights"), mask = try step.integers("attention_mask")
        let maskID = TokenID(try step.integers("mask_token_id")[0])
        let sequences = (0..<rows).map { b -> CorruptedSequence in
            let n = mask[(b * length)..<((b + 1) * length)].reduce(0, +)
            let r = (b * length)..<(b * length + n)
            let kinds = r.map { i -> PositionKind in
                labels[i] < 0 ? .ignored : input[i] == Int(maskID) ? .masked : input[i] != clean[i] ? .substituted : .kept
            }
            return CorruptedSequence(input: r.map { TokenID(input[$0]) }, labels: r.map { TokenID(clean[$0]) },
                                     weights: r.map { weights[$0] }, kinds: kinds, noiseLevel: 0.5)
        }
        let batch = Batch(rows: sequences, length: length, pad: 0)

        let logits = try trainable.forward(batch)
        let result = try WeightedCrossEntropy.compute(
            logits: UnsafeBufferPointer(logits), vocabularySize: trainable.vocabularySize, labels: batch.labels,
            weights: batch.weights, kinds: batch.kinds, excludedToken: maskID,
            normalization: .fixed(Double(try step.floats("normalizer")[0])), gradient: logits)
        let expectedLoss = try step.floats("loss")[0]
        #expect(abs(result.loss - expectedLoss) / expectedLoss < 1e-5)

        var gradients = [Float](repeating: 0, count: trainable.parameterCount)
        try gradients.withUnsafeMutableBufferPointer { g in
            try trainable.backward(batch, dlogits: UnsafeBufferPointer(logits), gradients: g)
        }
        let slots = trainable.model.layout.slots
        for slot in slots {
            let expected = try step.floats("grad." + slot.name)
            let scale = max(expected.reduce(Float(0)) { max($0, abs($1)) }, 1e-12)
            #expect(maxAbsDifference(Array(gradients[slot.range]), expected) / scale < 1e-4, "grad \(slot.name)")
        }

        // AdamW from PyTorch's own gradients isolates the optimiser: it must match to 1e-6 everywhere.
        let before = trainable.model.parameters
        var exactInput = [Float](repeating: 0, count: trainable.parameterCount)
        for slot in slots { exactInput.replaceSubrange(slot.range, with: try step.floats("grad." + slot.name)) }
        var reference = before
        var optimizer = makeOptimizer(trainable)
        optimizer.update(parameters: &reference, gradients: exactInput, learningRate: 1e-2)
        for slot in slots {
            #expect(maxAbsDifference(Array(reference[slot.range]), try step.floats("after." + slot.name)) < 1e-6, "after \(slot.name)")
        }
        // From FlowLM's own gradients: Adam's first step is lr·g/|g|, which magnifies the (1e-4-relative)
        // error of near-zero gradient entries, so a few of those may move by more than 1e-6.
        optimizer = makeOptimizer(trainable)
        trainable.withParameters { p in
            gradients.withUnsafeBufferPointer { g in optimizer.update(parameters: p, gradients: g, learningRate: 1e-2) }
        }
        var total = 0, off = 0
        for slot in slots {
            let actual = Array(trainable.model.parameters[slot.range]), expected = try step.floats("after." + slot.name)
            #expect(maxAbsDifference(actual, expected) < 1e-5, "after \(slot.name)")
            off += zip(actual, expected).filter { abs($0 - $1) > 1e-6 }.count
            total += actual.count
        }
        #expect(Double(off) / Double(total) < 1e-3, "\(off) of \(total) parameters off by more than 1e-6")
    }

    func makeOptimizer(_ model: TrainableModernBert) -> AdamW {
        AdamW(parameterCount: model.parameterCount, config: AdamWConfig(weightDecay: 0.01),
              decayRanges: WeightDecayRule.decayRanges(model.parameterSlices))
    }
}
