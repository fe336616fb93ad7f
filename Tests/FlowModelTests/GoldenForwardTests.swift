import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowModel
import FlowTestSupport

@Suite struct GoldenForwardTests {
    static let cases = ["nobias", "allbias", "legacy_4x", "padded_batch", "bf16", "f16"]

    @Test(arguments: cases)
    func logitsAndHiddenStatesMatchTransformers(name: String) throws {
        let c = try ModernBertGoldenCase(name)
        let output = try c.model.forward(c.batch, policy: .serial, collectHiddenStates: true)
        let v = c.model.config.vocabularySize, h = c.model.config.hiddenSize
        try c.expectLogitsMatch(output.logits, vocabularySize: v, name)
        try c.expectHiddenStatesMatch(output.hiddenStates, width: h, layerCount: c.model.config.layerCount, name)
        let final = c.realRows(try #require(output.finalHidden), width: h)
        #expect(maxAbsDifference(final, c.realRows(try c.golden.floats("final_norm"), width: h)) < 1e-4, "\(name): final norm")
    }

    /// The inference path (weights packed for the AVX-512 GEMM, AVX-512 activations) against the same fixtures.
    @Test(.enabled(if: PackedWeight.isSupported), arguments: cases)
    func packedWeightsMatchTransformersToo(name: String) throws {
        let c = try ModernBertGoldenCase(name)
        var model = c.model
        model.packForInference()
        #expect(model.inferenceWeights != nil)
        let v = model.config.vocabularySize
        for policy in [ComputePolicy.serial, ComputePolicy(threads: 2)] {
            try c.expectLogitsMatch(try model.forward(c.batch, policy: policy).logits, vocabularySize: v, name)
        }
    }

    /// Packing drops the float32 arena; giving the model an arena again drops the packed copy, so it never goes stale.
    @Test(.enabled(if: PackedWeight.isSupported)) func packingDropsTheArenaAndANewArenaDropsThePackedCopy() throws {
        let unpacked = try ModernBertGoldenCase("nobias").model
        var model = unpacked.packedForInference()
        #expect(model.parameters.isEmpty && model.inferenceWeights != nil)
        model.parameters = unpacked.parameters
        #expect(model.inferenceWeights == nil)
    }

    /// Logits made a block of rows at a time (`flowlm forward`'s text report) are the whole forward's, packed or not,
    /// whatever the block size, within rounding.
    @Test(arguments: [1, 3, 7, 1000]) func logitsInBlocksEqualTheWholeForward(blockRows: Int) throws {
        let c = try ModernBertGoldenCase("padded_batch")
        for model in [c.model, c.model.packedForInference()] {
            let whole = try model.forward(c.batch, policy: .serial).logits
            var blocks: [Float] = [], covered: [Range<Int>] = []
            try model.forEachLogitsBlock(c.batch, blockRows: blockRows, policy: .serial) { rows, logits in
                #expect(rows.count <= blockRows && logits.count == rows.count * model.config.vocabularySize)
                covered.append(rows); blocks += logits
            }
            #expect(covered.first?.lowerBound == 0 && covered.last?.upperBound == c.batch.tokenCount)
            // The same products over fewer rows: OpenBLAS may tile them differently, so within rounding.
            #expect(blocks.count == whole.count && maxAbsDifference(blocks, whole) < 1e-5,
                    "packed \(model.inferenceWeights != nil), block \(blockRows)")
        }
    }

    @Test func twoWorkersGiveTheSameLogits() throws {
        let c = try ModernBertGoldenCase("nobias")
        let serial = try c.model.forward(c.batch, policy: .serial)
        let parallel = try c.model.forward(c.batch, policy: ComputePolicy(threads: 2))
        #expect(maxAbsDifference(serial.logits, parallel.logits) < 1e-5)
    }

    @Test func paddedBatchEqualsEachSequenceAlone() throws {
        let c = try ModernBertGoldenCase("padded_batch")
        let batched = try c.model.forward(c.batch, policy: ComputePolicy(threads: 2))
        let v = c.model.config.vocabularySize
        for b in 0..<c.batch.batchSize {
            let n = c.batch.lengths[b]
            let row = Array(c.batch.ids[(b * c.batch.length)..<(b * c.batch.length + n)])
            let alone = try c.model.forward(TokenBatch(sequences: [row], padID: 0), policy: .serial)
            let start = b * c.batch.length * v
            #expect(maxAbsDifference(Array(batched.logits[start..<(start + n * v)]), alone.logits) < 1e-4, "row \(b)")
        }
    }

    @Test func workspaceIsReusedAcrossShapes() throws {
        let c = try ModernBertGoldenCase("allbias")
        let workspace = ForwardWorkspace(config: c.model.config)
        let first = try c.model.forward(c.batch, workspace: workspace, policy: .serial)
        _ = try c.model.forward(TokenBatch(sequences: [[5, 6, 7], [8]], padID: 0), workspace: workspace, policy: .serial)
        let again = try c.model.forward(c.batch, workspace: workspace, policy: .serial)
        #expect(first.logits == again.logits)
    }

    @Test func keptActivationsGiveTheSameLogits() throws {
        let c = try ModernBertGoldenCase("legacy_4x")
        let keeping = ForwardWorkspace(config: c.model.config, keepsActivations: true)
        let kept = try c.model.forward(c.batch, workspace: keeping, policy: .serial)
        let plain = try c.model.forward(c.batch, policy: .serial)
        #expect(kept.logits == plain.logits)
        // Each layer's input is kept separately: layer 1's input differs from layer 0's.
        let h = c.model.config.hiddenSize
        #expect(keeping.residuals[0][h] != keeping.residuals[1][h])
    }

    @Test func outOfVocabularyIdIsAnError() throws {
        let c = try ModernBertGoldenCase("bf16")
        #expect(throws: ModelInputError.self) {
            try c.model.forward(TokenBatch(sequences: [[1, 5000]], padID: 0), policy: .serial)
        }
    }
}
