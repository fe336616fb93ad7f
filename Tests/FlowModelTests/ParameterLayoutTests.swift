import Testing
import FlowModel

@Suite struct ParameterLayoutTests {
    @Test func slotsFollowTheDocumentedOrderWithoutOverlap() {
        var config = ModelPreset.toy.config
        config.normBias = true
        config.attentionBias = true
        config.tiedDecoder = false
        let layout = ParameterLayout(config: config)
        let names = layout.slots.map(\.name)
        #expect(names.first == "model.embeddings.tok_embeddings.weight")
        #expect(names[1] == "model.embeddings.norm.weight" && names[2] == "model.embeddings.norm.bias")
        #expect(names[3] == "model.layers.0.attn.Wqkv.weight" && names[4] == "model.layers.0.attn.Wqkv.bias")
        #expect(!names.contains("model.layers.0.attn_norm.weight") && names.contains("model.layers.1.attn_norm.weight"))
        #expect(names.suffix(2) == ["decoder.weight", "decoder.bias"])
        for (a, b) in zip(layout.slots, layout.slots.dropFirst()) {
            #expect(a.offset + a.count <= b.offset)
            #expect(b.offset % ParameterLayout.alignment == 0)
        }
        #expect(layout.totalCount >= layout.parameterCount)
        #expect(layout.decoder == layout.decoderWeight)
    }

    @Test func baseHasModernBertBaseParameterCount() {
        // ModernBERT-base: 149,655,232 parameters (HF num_parameters with the tied decoder counted once).
        #expect(ParameterLayout(config: ModelPreset.base.config).parameterCount == 149_655_232)
    }
}
