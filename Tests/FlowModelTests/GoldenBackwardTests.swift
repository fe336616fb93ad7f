import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowModel
import FlowTestSupport

/// The model's backward pass against PyTorch autograd (Tools/make_train_fixtures.py): every parameter's
/// gradient for the same weighted masked-LM loss, including the tied embedding and its padding row.
@Suite struct GoldenBackwardTests {
    struct Case {
        let model: ModernBertModel
        let step: SafeTensorsFile
        let batch: TokenBatch
    }

    func load(_ name: String) throws -> Case {
        let directory = FixturePath.url("train/\(name)")
        let model = try ModelDirectory(directory).loadModel()
        let step = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("step.safetensors"))
        let shape = try #require(step.info("input_ids")).shape
        let batch = try TokenBatch(ids: try step.integers("input_ids").map { TokenID($0) },
                                   attentionMask: try step.integers("attention_mask"), batchSize: shape[0], length: shape[1])
        return Case(model: model, step: step, batch: batch)
    }

    /// Plain weighted cross-entropy gradient: w_i / normalizer · (softmax − onehot), MASK logit excluded.
    func logitsGradient(_ logits: [Float], labels: [Int], weights: [Float], normalizer: Float, vocab: Int, mask: Int) -> [Float] {
        var gradient = [Float](repeating: 0, count: logits.count)
        for (row, label) in labels.enumerated() where label >= 0 {
            let slice = (0..<vocab).map { $0 == mask ? -Double.infinity : Double(logits[row * vocab + $0]) }
            let top = slice.max()!
            let exps = slice.map { Foundation.exp($0 - top) }
            let total = exps.reduce(0, +)
            for v in 0..<vocab {
                let p = exps[v] / total - (v == label ? 1 : 0)
                gradient[row * vocab + v] = Float(p * Double(weights[row]) / Double(normalizer))
            }
        }
        return gradient
    }

    @Test(arguments: ["default", "biases"])
    func everyGradientMatchesPyTorch(name: String) throws {
        let c = try load(name)
        let forward = ForwardWorkspace(config: c.model.config, keepsActivations: true)
        let output = try c.model.forward(c.batch, workspace: forward, policy: .serial)
        // Padded rows are computed but meaningless (HF and FlowLM fill them differently); compare real rows.
        let expectedLogits = try c.step.floats("logits"), width = c.model.config.vocabularySize
        for b in 0..<c.batch.batchSize {
            let rows = (b * c.batch.length * width)..<((b * c.batch.length + c.batch.lengths[b]) * width)
            #expect(maxAbsDifference(Array(output.logits[rows]), Array(expectedLogits[rows])) < 2e-4)
        }

        let vocab = c.model.config.vocabularySize
        let dLogits = logitsGradient(output.logits, labels: try c.step.integers("labels"), weights: try c.step.floats("weights"),
                                     normalizer: try c.step.floats("normalizer")[0], vocab: vocab,
                                     mask: try c.step.integers("mask_token_id")[0])
        for policy in [ComputePolicy.serial, ComputePolicy(threads: 2)] {
            var gradients = [Float](repeating: 0, count: c.model.layout.totalCount)
            c.model.backward(c.batch, forward: forward, logitsGradient: dLogits, gradients: &gradients,
                             workspace: BackwardWorkspace(config: c.model.config), policy: policy)
            for slot in c.model.layout.slots {
                let expected = try c.step.floats("grad." + slot.name)
                let actual = Array(gradients[slot.range])
                let scale = max(expected.reduce(Float(0)) { max($0, abs($1)) }, 1e-12)
                #expect(maxAbsDifference(actual, expected) / scale < 1e-4, "\(name) \(slot.name) threads \(policy.threads)")
            }
        }
    }
}
