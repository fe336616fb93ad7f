import Testing
import FlowCore
import FlowDiffusion
import FlowKernels
import FlowModel
@testable import FlowLM

/// Hides the engine's summaries: the loop computes its statistics itself.
private final class PlainLogits: Denoiser {
    let inner: EngineDenoiser<ModernBertModel>
    init(_ inner: EngineDenoiser<ModernBertModel>) { self.inner = inner }
    var vocabularySize: Int { inner.vocabularySize }
    var contextLength: Int { inner.contextLength }
    var specialTokens: SpecialTokens { inner.specialTokens }
    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] { try inner.logits(for: canvases) }
}

@Suite(.enabled(if: PackedWeight.isSupported, "the fused statistics need the AVX-512 GEMM"))
struct FusedSummaryTests {
    /// A whole refinement with the statistics gathered in the decoder GEMM takes the same steps as one whose
    /// loop sweeps the logits itself (vocabulary above the fast-kernel threshold, so the engine is asked).
    @Test(arguments: [ConfidenceMeasure.probability, .negativeEntropy])
    func fusedStatisticsGiveTheSameRefinement(confidence: ConfidenceMeasure) throws {
        let config = ModernBertConfig(vocabularySize: 16_500, hiddenSize: 32, intermediateSize: 48, headCount: 2,
                                      layerKinds: ModernBertConfig.layerKinds(count: 2, globalEvery: 2),
                                      localAttention: 16, maxPositions: 64,
                                      specialTokens: .init(pad: 0, bos: 2, eos: 3, cls: 2, sep: 3, mask: 4))
        var model = ModernBertModel.randomlyInitialized(config: config, seed: 5)
        // Peaked distributions (std of the logits ≈ 10), so no two positions' confidences sit within rounding
        // of each other and the ranking cannot hinge on the last bit.
        let embeddings = model.layout.tokenEmbeddings.range
        model.parameters.withUnsafeMutableBufferPointer { p in for i in embeddings { p[i] *= 100 } }
        model.packForInference()
        let special = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)
        let engine = EngineDenoiser<ModernBertModel>(model: model, specialTokens: special, policy: ComputePolicy(threads: 2))
        let length = 20
        var tokens = [special.cls] + [TokenID](repeating: special.mask, count: length) + [special.sep]
        tokens[3] = 777; tokens[9] = 16_000
        var roles = [PositionRole](repeating: .answer, count: tokens.count)
        roles[0] = .special; roles[tokens.count - 1] = .special; roles[3] = .prompt
        let canvas = try Canvas(tokens: tokens, roles: roles, specialTokens: special)
        var knobs = SamplerKnobs()
        knobs.steps = 10; knobs.confidence = confidence; knobs.temperature = 0.8
        let fused = try Refiner(denoiser: engine, canvas: canvas, knobs: knobs).run()
        let swept = try Refiner(denoiser: PlainLogits(engine), canvas: canvas, knobs: knobs).run()
        #expect(fused.count == swept.count)
        for (a, b) in zip(fused, swept) {
            #expect(a.after == b.after && a.changes.map(\.position) == b.changes.map(\.position), "step \(a.index)")
            #expect(a.candidates.ids == b.candidates.ids, "step \(a.index)")
            #expect(zip(a.confidence, b.confidence).allSatisfy { abs($0 - $1) < 1e-5 }, "step \(a.index)")
            #expect(zip(a.pCurrent, b.pCurrent).allSatisfy { abs($0 - $1) < 1e-5 }, "step \(a.index)")
        }
        // The engine really served the summaries (otherwise both runs would have swept).
        let request = SoftmaxSummaryRequest(temperature: 0.8, candidates: 5, excluded: special.reserved, weighted: false)
        #expect(try engine.logits(for: [tokens], summarizing: request).first?.summaries?.rows == tokens.count)
    }
}
