import Foundation
import FlowCore

extension ModernBertModel {
    /// Binds every tensor of an HF checkpoint to the arena, strictly: names with or without the `model.`
    /// prefix, F32/F16/BF16 converted to F32; a missing, mis-shaped, non-float, duplicated or unexpected
    /// tensor is an error naming the file and the tensor. A tied model may carry `decoder.weight` only if it
    /// equals the token embeddings. Names and shapes are all checked before the arena is allocated, so a
    /// config claiming absurd sizes fails on the file's real tensors instead of on a huge allocation.
    public init(config: ModernBertConfig, weights file: SafeTensorsFile) throws(ModelFileError) {
        try self.init(config: config, weights: WeightFiles(file))
    }

    /// The same over a sharded checkpoint (or one file): each error names the shard that holds the tensor. With
    /// `form: .inference` each linear weight is packed as soon as it is read (`ParameterSink`).
    public init(config: ModernBertConfig, weights file: WeightFiles, form: ParameterForm = .arena) throws(ModelFileError) {
        let layout = ParameterLayout(config: config)
        try MemoryBudget.requireFits(MemoryBudget.weightBytes(parameterCount: layout.totalCount), path: file.path,
                                     what: "a model of \(layout.totalCount) parameters")
        var byName: [String: ParameterSlot] = [:]
        for slot in layout.slots { byName[slot.name] = slot }
        var bound: [String: String] = [:]  // arena name → file name
        var tiedDecoderCopy: TensorInfo?
        var bindings: [(TensorInfo, ParameterSlot)] = []

        for info in file.tensors {
            let canonical = byName[info.name] != nil ? info.name : "model." + info.name
            if config.tiedDecoder, info.name == "decoder.weight" { tiedDecoderCopy = info; continue }
            guard let slot = byName[canonical] else {
                throw file.fail(.unexpectedTensor(info.name), "unexpected tensor '\(info.name)' (not part of this ModernBERT config)",
                                tensor: info.name)
            }
            if let previous = bound[canonical] { throw file.duplicateError(info, previous: previous, canonical: canonical) }
            try file.checkFloat(info)
            try file.checkShape(info, slot.shape)
            bindings.append((info, slot))
            bound[canonical] = info.name
        }
        for slot in layout.slots where bound[slot.name] == nil {
            throw file.missingError(slot.name, shape: slot.shape)
        }
        // Checked against the file's own embeddings before any weight is bound: the arena's copy may be packed.
        if let copy = tiedDecoderCopy, let embeddings = bindings.first(where: { $0.1 == layout.tokenEmbeddings })?.0 {
            let values = try? file.floats(copy.name)
            guard copy.shape == layout.tokenEmbeddings.shape, try values == file.readFloats(embeddings) else {
                throw file.fail(.unexpectedTensor(copy.name),
                                "tensor 'decoder.weight' differs from the token embeddings, but tie_word_embeddings is true")
            }
        }
        var sink = ParameterSink(layout: layout, form: form)
        for (info, slot) in bindings {
            sink.write(try file.readFloats(info), into: slot)
        }
        let (parameters, packed) = sink.finish()
        self.init(config: config, parameters: parameters, packed: packed)
    }

    /// The tensors HF's `save_pretrained` would write for this model (tied decoder omitted).
    public func tensorPayloads(dtype: DType = .f32) -> [TensorPayload] {
        layout.slots.map { slot in
            TensorPayload(name: slot.name, shape: slot.shape, floats: Array(values(slot)), as: dtype)
        }
    }

    /// Writes `config.json` and `model.safetensors` into `directory` (created if needed), loadable by
    /// HF `AutoModelForMaskedLM.from_pretrained`.
    public func save(to directory: URL, dtype: DType = .f32, metadata: [String: String] = ["format": "pt"]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var json = config.json
        // HF records the stored precision as `dtype`; the forward still runs in float32.
        if dtype != .f32, case var .object(members) = json, let k = members.firstIndex(where: { $0.key == "dtype" }) {
            members[k].value = .string(dtype == .f16 ? "float16" : "bfloat16")
            json = .object(members)
        }
        try AtomicFile.write(json.serialized + "\n", to: directory.appendingPathComponent(ModelDirectory.configName))
        try SafeTensorsWriter.write(tensorPayloads(dtype: dtype), metadata: metadata,
                                    to: directory.appendingPathComponent(ModelDirectory.weightsName))
    }
}
