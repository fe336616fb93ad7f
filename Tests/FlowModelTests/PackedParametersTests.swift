import Foundation
import Testing
import FlowCore
import FlowKernels
import FlowModel
import FlowTestSupport

/// A model loaded for inference keeps each weight once: the linear weights (a tied decoder's embeddings too) only
/// packed, the rest in a compact arena, and it gives the logits of the model loaded with its float32 arena.
@Suite(.enabled(if: PackedWeight.isSupported, "packing needs the AVX-512 kernel"))
struct PackedParametersTests {
    /// ModernBERT fixtures (tied decoders, with and without biases, F32/BF16/F16 files).
    @Test(arguments: ["nobias", "allbias", "bf16", "f16"])
    func modernBertLoadedForInferenceKeepsOnlyThePackedWeights(name: String) throws {
        let c = try ModernBertGoldenCase(name)
        let directory = try ModelDirectory(FixturePath.url("model/\(name)"))
        let loaded = try #require(try directory.loadMaskedLanguageModel() as? ModernBertModel)
        #expect(loaded.parameters.isEmpty)
        let packed = try #require(loaded.inferenceWeights)
        // Once: the arena's size, give or take the last panel of each weight padded to 32 rows and alignment.
        let arenaBytes = 4 * c.model.layout.totalCount
        #expect(packed.byteCount >= 4 * c.model.parameterCount && packed.byteCount < arenaBytes + arenaBytes / 4,
                "\(packed.byteCount) bytes against an arena of \(arenaBytes)")
        // The same packing as packing the arena afterwards: the same logits to the bit.
        let afterwards = c.model.packedForInference()
        let streamed = try loaded.forward(c.batch, policy: .serial).logits
        #expect(streamed == (try afterwards.forward(c.batch, policy: .serial).logits))
        // And the arena's (OpenBLAS) logits within rounding.
        #expect(maxAbsDifference(streamed, try c.model.forward(c.batch, policy: .serial).logits) < 1e-4)
    }

    /// The BERT family: q, k and v arrive as three row blocks of one packed weight; tied and untied decoders;
    /// DistilBERT's computed position table lands in the compact arena.
    @Test(arguments: ["bert_tied", "bert_untied_padded", "roberta_padded", "distilbert_sinusoidal"])
    func bertFamilyLoadedForInferenceGivesTheArenaLogits(name: String) throws {
        let c = try BertGoldenCase(name)
        let loaded = try #require(try ModelDirectory(FixturePath.url("model/\(name)")).loadMaskedLanguageModel() as? BertFamilyModel)
        #expect(loaded.parameters.isEmpty && loaded.inferenceWeights != nil)
        let streamed = try loaded.forward(c.batch, policy: .serial).logits
        #expect(streamed == (try c.model.packedForInference().forward(c.batch, policy: .serial).logits))
        #expect(maxAbsDifference(streamed, try c.model.forward(c.batch, policy: .serial).logits) < 1e-4)
    }

    /// Training and conversion load the arena form, whose tensors are all there to read and save.
    @Test func theArenaFormKeepsEveryTensor() throws {
        let model = try ModelDirectory(FixturePath.url("model/nobias")).loadModel()
        #expect(model.inferenceWeights == nil && model.parameters.count == model.layout.totalCount)
        #expect(model.tensorPayloads().count == model.layout.slots.count)
    }
}
