import Foundation
import Testing
import FlowCore
import FlowModel
import FlowTestSupport

/// A fixture's config and tensors (bytes as stored), to bind altered copies of them.
struct BertFamilyCheckpoint {
    let config: BertFamilyConfig
    let tensors: [TensorPayload]

    init(_ name: String) throws {
        let directory = try ModelDirectory(FixturePath.url("model/\(name)"))
        config = try BertFamilyConfig.load(from: directory.configURL)
        let file = try directory.openWeights()
        tensors = try file.tensors.map { info in
            TensorPayload(name: info.name, dtype: info.dtype, shape: info.shape, bytes: try file.withBytes(info.name) { Data($0) })
        }
    }

    static let path = "m/model.safetensors"

    func bind(_ payloads: [TensorPayload]) throws(ModelFileError) -> BertFamilyModel {
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(data: SafeTensorsWriter.encode(payloads), path: Self.path) } catch {
            Issue.record("unexpected \(error)")
            throw ModelFileError(path: "", kind: .unreadableFile, detail: "")
        }
        return try BertFamilyModel(config: config, weights: file)
    }

    func error(_ payloads: [TensorPayload]) -> ModelFileError? {
        do { _ = try bind(payloads); return nil } catch { return error }
    }

    func kind(_ payloads: [TensorPayload]) -> ModelFileError.Kind? { error(payloads)?.kind }

    func tensor(_ name: String) -> TensorPayload { tensors.first { $0.name == name }! }

    func without(_ names: String...) -> [TensorPayload] { tensors.filter { !names.contains($0.name) } }

    func renamed(_ transform: (String) -> String) -> [TensorPayload] {
        tensors.map { TensorPayload(name: transform($0.name), dtype: $0.dtype, shape: $0.shape, bytes: $0.bytes) }
    }

    func replacing(_ name: String, with payload: TensorPayload) -> [TensorPayload] {
        tensors.map { $0.name == name ? payload : $0 }
    }
}

private func floats(_ t: TensorPayload) -> [Float] {
    t.bytes.withUnsafeBytes { raw in (0..<(t.bytes.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
}

@Suite struct BertFamilyWeightBindingTests {
    @Test func bindsEveryTensorWhereItBelongs() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let model = try c.bind(c.tensors)
        let layout = model.layout
        let h = c.config.hiddenSize
        #expect(layout.decoderWeight == nil && layout.tokenTypeEmbeddings != nil)
        #expect(Array(model.values(layout.wordEmbeddings)) == floats(c.tensor("bert.embeddings.word_embeddings.weight")))
        // q, k and v are the three row blocks of the fused QKV weight and bias.
        let qkv = Array(model.values(layout.layers[1].qkv.weight))
        #expect(Array(qkv[(h * h)..<(2 * h * h)]) == floats(c.tensor("bert.encoder.layer.1.attention.self.key.weight")))
        #expect(Array(qkv[(2 * h * h)...]) == floats(c.tensor("bert.encoder.layer.1.attention.self.value.weight")))
        let qkvBias = Array(model.values(try #require(layout.layers[1].qkv.bias)))
        #expect(Array(qkvBias[0..<h]) == floats(c.tensor("bert.encoder.layer.1.attention.self.query.bias")))
        #expect(Array(model.values(layout.decoderBias)) == floats(c.tensor("cls.predictions.bias")))
    }

    @Test(arguments: ["bert_tied", "roberta_padded", "distilbert_learned"])
    func acceptsEncoderNamesWithoutTheBasePrefix(name: String) throws {
        let c = try BertFamilyCheckpoint(name)
        let prefix = c.config.variant == .bert ? "bert." : c.config.variant == .roberta ? "roberta." : "distilbert."
        let bare = c.renamed { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 }
        #expect(bare.map(\.name) != c.tensors.map(\.name))
        #expect(try c.bind(bare).parameters == (try c.bind(c.tensors)).parameters)
        // Both spellings of one tensor at once are a duplicate.
        let duplicate = c.tensors + [bare.first { $0.name == "embeddings.LayerNorm.weight" }!]
        let kind = c.kind(duplicate)
        #expect(kind == .unexpectedTensor("embeddings.LayerNorm.weight") || kind == .unexpectedTensor(prefix + "embeddings.LayerNorm.weight"))
    }

    @Test func readsLegacyGammaAndBetaNames() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let legacy = c.renamed {
            $0.replacingOccurrences(of: "LayerNorm.weight", with: "LayerNorm.gamma").replacingOccurrences(of: "LayerNorm.bias", with: "LayerNorm.beta")
        }
        #expect(legacy.contains { $0.name == "bert.encoder.layer.0.output.LayerNorm.gamma" })
        #expect(try c.bind(legacy).parameters == (try c.bind(c.tensors)).parameters)
    }

    @Test func skipsTheTensorsTheMaskedLMNeverReads() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let h = c.config.hiddenSize
        let extras = [
            TensorPayload(name: "bert.embeddings.position_ids", shape: [1, 48], int64s: Array(0..<48)),
            TensorPayload(name: "bert.embeddings.token_type_ids", shape: [1, 48], int64s: Array(repeating: 0, count: 48)),
            TensorPayload(name: "bert.pooler.dense.weight", shape: [h, h], floats: Array(repeating: 1, count: h * h)),
            TensorPayload(name: "bert.pooler.dense.bias", shape: [h], floats: Array(repeating: 1, count: h)),
            TensorPayload(name: "cls.seq_relationship.weight", shape: [2, h], floats: Array(repeating: 1, count: 2 * h)),
            TensorPayload(name: "cls.seq_relationship.bias", shape: [2], floats: [1, 1]),
        ]
        #expect(try c.bind(c.tensors + extras).parameters == (try c.bind(c.tensors)).parameters)
        let distil = try BertFamilyCheckpoint("distilbert_learned")
        let positions = TensorPayload(name: "distilbert.embeddings.position_ids", shape: [1, 40], int64s: Array(0..<40))
        #expect(try distil.bind(distil.tensors + [positions]).parameters == (try distil.bind(distil.tensors)).parameters)
        // DistilBERT has no pooler.
        let pooler = TensorPayload(name: "distilbert.pooler.dense.bias", shape: [42], floats: Array(repeating: 0, count: 42))
        #expect(distil.kind(distil.tensors + [pooler]) == .unexpectedTensor("distilbert.pooler.dense.bias"))
    }

    @Test func missingTensorIsNamedWithTheFile() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let name = "bert.encoder.layer.1.attention.self.key.weight"
        let error = try #require(c.error(c.without(name)))
        #expect(error.kind == .missingTensor(name))
        #expect(error.path == BertFamilyCheckpoint.path && error.description.contains(name))
        #expect(c.kind(c.without("bert.embeddings.token_type_embeddings.weight")) == .missingTensor("bert.embeddings.token_type_embeddings.weight"))
        #expect(c.kind(c.without("cls.predictions.transform.LayerNorm.bias")) == .missingTensor("cls.predictions.transform.LayerNorm.bias"))
        #expect(c.kind(c.without("cls.predictions.bias")) == .missingTensor("cls.predictions.bias"))
        let roberta = try BertFamilyCheckpoint("roberta_padded")
        #expect(roberta.kind(roberta.without("lm_head.layer_norm.weight")) == .missingTensor("lm_head.layer_norm.weight"))
        let distil = try BertFamilyCheckpoint("distilbert_learned")
        #expect(distil.kind(distil.without("distilbert.transformer.layer.1.ffn.lin2.bias"))
                == .missingTensor("distilbert.transformer.layer.1.ffn.lin2.bias"))
        // A learned position table cannot be left out (a sinusoidal one can: distilbert_sinusoidal's file has none).
        #expect(distil.kind(distil.without("distilbert.embeddings.position_embeddings.weight"))
                == .missingTensor("distilbert.embeddings.position_embeddings.weight"))
    }

    @Test func misShapedTensorIsNamedWithTheFile() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let name = "bert.encoder.layer.0.attention.self.query.weight"
        let t = c.tensor(name)
        let error = try #require(c.error(c.replacing(name, with: TensorPayload(name: name, dtype: t.dtype, shape: [t.shape[0] * t.shape[1]], bytes: t.bytes))))
        #expect(error.kind == .wrongShape(name))
        #expect(error.path == BertFamilyCheckpoint.path && error.description.contains(name) && error.description.contains("[36, 36]"))
        // The position table must have max_position_embeddings rows.
        let positions = "bert.embeddings.position_embeddings.weight"
        let shorter = TensorPayload(name: positions, shape: [47, 36], floats: Array(floats(c.tensor(positions)).prefix(47 * 36)))
        #expect(c.kind(c.replacing(positions, with: shorter)) == .wrongShape(positions))
    }

    @Test func unexpectedAndNonFloatTensorsAreNamed() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let extra = TensorPayload(name: "bert.encoder.layer.3.output.dense.bias", shape: [36], floats: Array(repeating: 0, count: 36))
        let error = try #require(c.error(c.tensors + [extra]))
        #expect(error.kind == .unexpectedTensor(extra.name) && error.description.contains(extra.name))
        let name = "cls.predictions.transform.dense.bias"
        #expect(c.kind(c.replacing(name, with: TensorPayload(name: name, shape: [36], int64s: Array(repeating: 0, count: 36))))
                == .wrongDType(name))
        // RoBERTa's head is lm_head, not BERT's cls.
        let roberta = try BertFamilyCheckpoint("roberta_padded")
        let bertHead = TensorPayload(name: "cls.predictions.bias", shape: [180], floats: Array(repeating: 0, count: 180))
        #expect(roberta.kind(roberta.tensors + [bertHead]) == .unexpectedTensor("cls.predictions.bias"))
    }

    @Test func tiedDecoderCopiesMustMatch() throws {
        let c = try BertFamilyCheckpoint("bert_tied")
        let embeddings = c.tensor("bert.embeddings.word_embeddings.weight")
        let same = TensorPayload(name: "cls.predictions.decoder.weight", dtype: embeddings.dtype, shape: embeddings.shape, bytes: embeddings.bytes)
        #expect(c.kind(c.tensors + [same]) == nil)
        let different = TensorPayload(name: "cls.predictions.decoder.weight", shape: embeddings.shape, floats: floats(embeddings).map { $0 + 1 })
        #expect(c.kind(c.tensors + [different]) == .unexpectedTensor("cls.predictions.decoder.weight"))
        // The tied decoder bias has two names: either will do, both must agree.
        let bias = c.tensor("cls.predictions.bias")
        let alias = c.renamed { $0 == "cls.predictions.bias" ? "cls.predictions.decoder.bias" : $0 }
        #expect(try c.bind(alias).parameters == (try c.bind(c.tensors)).parameters)
        let sameBias = TensorPayload(name: "cls.predictions.decoder.bias", dtype: bias.dtype, shape: bias.shape, bytes: bias.bytes)
        #expect(c.kind(c.tensors + [sameBias]) == nil)
        let otherBias = TensorPayload(name: "cls.predictions.decoder.bias", shape: bias.shape, floats: floats(bias).map { $0 * 2 })
        #expect(c.kind(c.tensors + [otherBias]) == .unexpectedTensor("cls.predictions.decoder.bias"))
        let distil = try BertFamilyCheckpoint("distilbert_learned")
        let word = distil.tensor("distilbert.embeddings.word_embeddings.weight")
        let projector = TensorPayload(name: "vocab_projector.weight", shape: word.shape, floats: floats(word).map { -$0 })
        #expect(distil.kind(distil.tensors + [projector]) == .unexpectedTensor("vocab_projector.weight"))
    }

    @Test func untiedDecoderUsesItsOwnBias() throws {
        let c = try BertFamilyCheckpoint("bert_untied_padded")
        let model = try c.bind(c.tensors)
        #expect(model.layout.decoderWeight != nil)
        #expect(Array(model.values(model.layout.decoderBias)) == floats(c.tensor("cls.predictions.decoder.bias")))
        #expect(Array(model.values(model.layout.decoderBias)) != floats(c.tensor("cls.predictions.bias")))
        // The head's unused bias may be absent; the decoder's own may not.
        #expect(try c.bind(c.without("cls.predictions.bias")).parameters == model.parameters)
        #expect(c.kind(c.without("cls.predictions.decoder.bias")) == .missingTensor("cls.predictions.decoder.bias"))
        #expect(c.kind(c.without("cls.predictions.decoder.weight")) == .missingTensor("cls.predictions.decoder.weight"))
    }

    @Test func halfPrecisionTensorsAreConverted() throws {
        let c = try BertFamilyCheckpoint("bert_f16")
        #expect(c.tensors.allSatisfy { $0.dtype == .f16 })
        let model = try c.bind(c.tensors)
        let bf16 = c.tensors.map { t in
            let values = t.bytes.withUnsafeBytes { raw in
                (0..<(t.bytes.count / 2)).map { HalfFloat.toFloat(raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
            }
            return TensorPayload(name: t.name, shape: t.shape, floats: values, as: .bf16)
        }
        #expect(maxAbsDifference(try c.bind(bf16).parameters, model.parameters) < 0.02)
    }

    /// Across shards, an error names the shard that holds the tensor; a missing one names the index.
    @Test func shardErrorsNameTheShard() throws {
        let c = try BertFamilyCheckpoint("roberta_padded")
        let half = c.tensors.count / 2
        let brokenIndex = c.tensors.indices.first { $0 >= half && c.tensors[$0].shape.count == 2 }!
        let broken = c.tensors[brokenIndex]
        let rest = Array(c.tensors[half..<brokenIndex]) + Array(c.tensors[(brokenIndex + 1)...])
        func shard(_ payloads: [TensorPayload], _ path: String) throws -> SafeTensorsFile {
            try SafeTensorsFile(data: SafeTensorsWriter.encode(payloads), path: path)
        }
        let whole = try BertFamilyModel(config: c.config, weights: WeightFiles(
            shards: [shard(Array(c.tensors[..<half]), "s/1.safetensors"), shard(Array(c.tensors[half...]), "s/2.safetensors")],
            indexPath: "s/index.json"))
        #expect(whole.parameters == (try c.bind(c.tensors)).parameters)
        let reshaped = TensorPayload(name: broken.name, dtype: broken.dtype, shape: [broken.bytes.count / 4], bytes: broken.bytes)
        do {
            _ = try BertFamilyModel(config: c.config, weights: WeightFiles(
                shards: [shard(Array(c.tensors[..<half]), "s/1.safetensors"),
                         shard([reshaped] + rest, "s/2.safetensors")],
                indexPath: "s/index.json"))
            Issue.record("expected an error")
        } catch let error as ModelFileError {
            #expect(error.kind == .wrongShape(broken.name) && error.path == "s/2.safetensors")
        }
        do {
            _ = try BertFamilyModel(config: c.config, weights: WeightFiles(
                shards: [shard(Array(c.tensors[..<half]), "s/1.safetensors"), shard(rest, "s/2.safetensors")],
                indexPath: "s/index.json"))
            Issue.record("expected an error")
        } catch let error as ModelFileError {
            #expect(error.kind == .missingTensor(broken.name) && error.path == "s/index.json")
        }
    }
}
