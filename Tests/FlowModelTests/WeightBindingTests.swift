import Foundation
import Testing
import FlowCore
import FlowModel
import FlowTestSupport

@Suite struct WeightBindingTests {
    let config: ModernBertConfig
    let tensors: [TensorPayload]

    init() throws {
        let directory = try ModelDirectory(FixturePath.url("model/allbias"))
        config = try directory.loadConfig()
        let file = try directory.openWeights()
        tensors = try file.tensors.map { TensorPayload(name: $0.name, shape: $0.shape, floats: try file.floats($0.name)) }
    }

    func bind(_ payloads: [TensorPayload]) throws(ModelFileError) -> ModernBertModel {
        let data = SafeTensorsWriter.encode(payloads)
        do {
            return try ModernBertModel(config: config, weights: try SafeTensorsFile(data: data, path: "m/model.safetensors"))
        } catch let error as ModelFileError {
            throw error
        } catch {
            Issue.record("unexpected \(error)")
            throw ModelFileError(path: "", kind: .unreadableFile, detail: "")
        }
    }

    func kind(_ payloads: [TensorPayload]) -> ModelFileError.Kind? {
        do { _ = try bind(payloads); return nil } catch { return error.kind }
    }

    @Test func bindsEveryTensorOnce() throws {
        let model = try bind(tensors)
        let layout = model.layout
        // Layer 0 has no attention norm; the decoder is tied.
        #expect(layout.layers[0].attentionNorm == nil && layout.layers[1].attentionNorm != nil)
        #expect(layout.decoderWeight == nil)
        #expect(layout.slots.count == tensors.count)
        #expect(layout.slots.allSatisfy { $0.offset % ParameterLayout.alignment == 0 })
        let embeddings = try #require(tensors.first { $0.name == "model.embeddings.tok_embeddings.weight" })
        #expect(Array(model.values(layout.tokenEmbeddings)) == floats(embeddings))
    }

    @Test func acceptsNamesWithoutTheModelPrefix() throws {
        let bare = tensors.map { t in
            TensorPayload(name: t.name.hasPrefix("model.") ? String(t.name.dropFirst(6)) : t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes)
        }
        #expect(try bind(bare).parameters == (try bind(tensors)).parameters)
    }

    @Test func missingTensorIsNamed() {
        #expect(kind(tensors.filter { $0.name != "model.layers.1.attn_norm.bias" }) == .missingTensor("model.layers.1.attn_norm.bias"))
    }

    @Test func misShapedTensorIsNamed() {
        let broken = tensors.map { t in
            t.name == "head.dense.weight" ? TensorPayload(name: t.name, shape: [t.shape[1] * t.shape[0]], floats: floats(t)) : t
        }
        #expect(kind(broken) == .wrongShape("head.dense.weight"))
    }

    @Test func unexpectedTensorIsNamed() {
        let extra = tensors + [TensorPayload(name: "model.layers.0.attn_norm.weight", shape: [config.hiddenSize],
                                             floats: Array(repeating: 1, count: config.hiddenSize))]
        #expect(kind(extra) == .unexpectedTensor("model.layers.0.attn_norm.weight"))
    }

    @Test func integerTensorIsRefused() {
        let broken = tensors.map { t in
            t.name == "decoder.bias" ? TensorPayload(name: t.name, shape: t.shape, int64s: Array(repeating: 0, count: t.shape[0])) : t
        }
        #expect(kind(broken) == .wrongDType("decoder.bias"))
    }

    @Test func tiedDecoderCopyMustEqualTheEmbeddings() throws {
        let embeddings = try #require(tensors.first { $0.name == "model.embeddings.tok_embeddings.weight" })
        let same = TensorPayload(name: "decoder.weight", dtype: embeddings.dtype, shape: embeddings.shape, bytes: embeddings.bytes)
        #expect(kind(tensors + [same]) == nil)
        let different = TensorPayload(name: "decoder.weight", shape: embeddings.shape,
                                      floats: floats(embeddings).map { $0 + 1 })
        #expect(kind(tensors + [different]) == .unexpectedTensor("decoder.weight"))
    }

    @Test(arguments: [DType.f32, .f16, .bf16])
    func saveThenLoadRoundTrips(dtype: DType) throws {
        let model = try bind(tensors)
        let directory = FixturePath.temporaryDirectory("flowlm-save")
        defer { try? FileManager.default.removeItem(at: directory) }
        try model.save(to: directory, dtype: dtype)
        let reloaded = try ModelDirectory(directory).loadModel()
        #expect(reloaded.config == model.config)
        let tolerance: Float = dtype == .f32 ? 0 : (dtype == .f16 ? 2e-3 : 2e-2)
        #expect(maxAbsDifference(reloaded.parameters, model.parameters) <= tolerance)
        let file = try SafeTensorsFile(contentsOf: directory.appendingPathComponent("model.safetensors"))
        #expect(Set(file.names) == Set(tensors.map(\.name)))
        #expect(file.tensors.allSatisfy { $0.dtype == dtype })
    }

    @Test func missingModelFilesAreNamed() throws {
        let directory = FixturePath.temporaryDirectory("flowlm-empty")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            _ = try ModelDirectory(directory)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .missingFile && error.description.contains("config.json"))
        }
        try Data("{}".utf8).write(to: directory.appendingPathComponent("config.json"))
        try Data("garbage".utf8).write(to: directory.appendingPathComponent("model.safetensors"))
        let opened = try ModelDirectory(directory)
        #expect(throws: ModelFileError.self) { try opened.openWeights() }
        #expect(throws: ModelFileError.self) { try opened.loadConfig() }
    }

    func floats(_ t: TensorPayload) -> [Float] {
        t.bytes.withUnsafeBytes { raw in (0..<(t.bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
    }
}
