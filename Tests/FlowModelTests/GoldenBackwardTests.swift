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

@Suite struct ParallelBackwardTests {
    /// A batch long enough (640 tokens) that LayerNorm backward and the weight gradients split their rows over
    /// the workers: two workers give the one-worker gradients up to rounding.
    @Test func twoWorkersMatchOneOnALongBatch() throws {
        let config = ModernBertConfig(vocabularySize: 96, hiddenSize: 32, intermediateSize: 48, headCount: 2,
                                      layerKinds: ModernBertConfig.layerKinds(count: 2, globalEvery: 2),
                                      localAttention: 16, maxPositions: 256,
                                      specialTokens: .init(pad: 0, bos: 2, eos: 3, cls: 2, sep: 3, mask: 4))
        var withBiases = config
        withBiases.normBias = true
        let model = ModernBertModel.randomlyInitialized(config: withBiases, seed: 9)
        var random = FlowRandom(seed: 10)
        let sequences = (0..<4).map { s in (0..<(160 - s * 7)).map { _ in TokenID(5 + random.nextInt(below: 91)) } }
        let batch = TokenBatch(sequences: sequences, padID: 0)
        let forward = ForwardWorkspace(config: withBiases, keepsActivations: true)
        let logits = try model.forward(batch, workspace: forward, policy: .serial).logits
        let dLogits = logits.map { $0 * 0.01 }
        func gradients(_ policy: ComputePolicy) -> [Float] {
            var g = [Float](repeating: 0, count: model.layout.totalCount)
            model.backward(batch, forward: forward, logitsGradient: dLogits, gradients: &g,
                           workspace: BackwardWorkspace(config: withBiases), policy: policy)
            return g
        }
        let one = gradients(.serial), two = gradients(ComputePolicy(threads: 2))
        for slot in model.layout.slots {
            let a = Array(one[slot.range]), b = Array(two[slot.range])
            let scale = max(a.reduce(Float(0)) { max($0, abs($1)) }, 1e-12)
            #expect(maxAbsDifference(a, b) / scale < 1e-5, "\(slot.name)")
        }
    }
}
