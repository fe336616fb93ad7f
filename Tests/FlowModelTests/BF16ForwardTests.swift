import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowModel
import FlowTestSupport

/// The model packed in bf16 against HF's fp32 logits: every linear layer runs the bf16 GEMM, so the logits move by
/// bf16's rounding (8 bits of mantissa) and no more.
@Suite(.enabled(if: PackedWeightBF16.isSupported, "the bf16 GEMM needs AVX-512 BF16"))
struct BF16ForwardTests {
    @Test(arguments: GoldenForwardTests.cases)
    func logitsStayWithinBF16RoundingOfTransformers(name: String) throws {
        let c = try ModernBertGoldenCase(name)
        var model = c.model
        model.packForInference(precision: .bf16)
        #expect(model.inferenceWeights?.precision == .bf16)
        let v = model.config.vocabularySize
        let expected = c.realRows(try c.golden.floats("logits"), width: v)
        let scale = expected.map(abs).max() ?? 1
        for policy in [ComputePolicy.serial, ComputePolicy(threads: 2)] {
            let ours = c.realRows(try model.forward(c.batch, policy: policy).logits, width: v)
            let worst = maxAbsDifference(ours, expected)
            // Far beyond fp32's 2e-4, so the bf16 path is the one that ran; within a few bf16 steps of the largest logit.
            #expect(worst > 2e-4 && worst < 0.02 * scale, "\(name): \(worst) against logits up to \(scale)")
        }
    }

    /// Loading in bf16 packs as it reads, as packing the arena in bf16 does (to the bit); the tied embedding table
    /// keeps its float32 rows for the lookup, so only the GEMMs round.
    @Test func loadingInBF16PacksAsItReads() throws {
        let c = try ModernBertGoldenCase("nobias")
        let loaded = try #require(try ModelDirectory(FixturePath.url("model/nobias")).loadMaskedLanguageModel(precision: .bf16)
            as? ModernBertModel)
        #expect(loaded.parameters.isEmpty && loaded.inferenceWeights?.precision == .bf16)
        let packedAfterwards = c.model.packedForInference(precision: .bf16)
        #expect(try loaded.forward(c.batch, policy: .serial).logits == packedAfterwards.forward(c.batch, policy: .serial).logits)
    }
}
