import Foundation
import FlowCore

extension BertFamilyModel {
    /// Binds every tensor of an HF checkpoint to the arena, strictly, as transformers 5.24 names them:
    /// encoder tensors with or without the `bert.` / `roberta.` / `distilbert.` prefix, legacy
    /// `LayerNorm.gamma` / `.beta` read as `.weight` / `.bias` (HF's own renaming), F32/F16/BF16 converted to F32.
    /// A missing, mis-shaped, non-float, duplicated or unexpected tensor is an error naming the file and the
    /// tensor. Tensors HF keeps in such files but the masked-LM forward never reads are accepted and skipped: the
    /// `position_ids` / `token_type_ids` buffers, BERT's pooler and next-sentence head, and (untied decoder) the
    /// head's own `bias` that the decoder no longer shares. A tied decoder's weight may be present only if it
    /// equals the word embeddings, and the two names of a tied decoder bias must agree. DistilBERT with
    /// sinusoidal positions may leave its position table out (HF computes it then; so does this). Names and
    /// shapes are all checked before the arena is allocated.
    /// With `form: .inference` each linear weight is packed as soon as it is complete (`ParameterSink`).
    public init(config: BertFamilyConfig, weights file: WeightFiles, form: ParameterForm = .arena) throws(ModelFileError) {
        let layout = BertFamilyLayout(config: config)
        try MemoryBudget.requireFits(MemoryBudget.weightBytes(parameterCount: layout.totalCount), path: file.path,
                                     what: "a model of \(layout.totalCount) parameters")
        let names = BertFamilyTensorNames(config: config, layout: layout)

        var bound: [String: String] = [:]  // HF name (prefixed) → name in the file
        var bindings: [(TensorInfo, BertFamilyTensorNames.Target)] = []
        var tiedDecoderCopy: TensorInfo?
        var decoderBiases: [TensorInfo] = []  // in `names.decoderBiasNames` order of appearance

        for info in file.tensors {
            guard let canonical = names.canonical(info.name) else {
                throw file.fail(.unexpectedTensor(info.name),
                                "unexpected tensor '\(info.name)' (not part of this \(config.modelType) masked-LM config)", tensor: info.name)
            }
            if names.ignored.contains(canonical) { continue }
            if let previous = bound[canonical] { throw file.duplicateError(info, previous: previous, canonical: canonical) }
            bound[canonical] = info.name
            try file.checkFloat(info)
            if canonical == names.tiedDecoderWeight {
                try file.checkShape(info, layout.wordEmbeddings.shape)
                tiedDecoderCopy = info
            } else if names.decoderBiasNames.contains(canonical) {
                try file.checkShape(info, layout.decoderBias.shape)
                decoderBiases.append(info)
            } else if let target = names.targets[canonical] {
                try file.checkShape(info, target.shape)
                bindings.append((info, target))
            } else {
                preconditionFailure("BertFamilyTensorNames.canonical returned an unclassified name")
            }
        }
        let computesPositions = config.sinusoidalPositions && bound[names.positionTable] == nil
        for name in names.required where bound[name] == nil && !(computesPositions && name == names.positionTable) {
            throw file.missingError(name, shape: names.targets[name]!.shape)
        }
        if decoderBiases.isEmpty { throw file.missingError(names.decoderBiasNames[0], shape: layout.decoderBias.shape) }

        // Checked against the file's own word embeddings before any weight is bound: the arena's copy may be packed.
        if let copy = tiedDecoderCopy, let words = bindings.first(where: { $0.1.slot == layout.wordEmbeddings })?.0,
           try file.readFloats(copy) != file.readFloats(words) {
            throw file.fail(.unexpectedTensor(copy.name),
                            "tensor '\(copy.name)' differs from the word embeddings, but tie_word_embeddings is true", tensor: copy.name)
        }
        var decoderBias: [Float]?
        if let first = decoderBiases.first {
            let values = try file.readFloats(first)
            for other in decoderBiases.dropFirst() where try file.readFloats(other) != values {
                throw file.fail(.unexpectedTensor(other.name),
                                "tensor '\(other.name)' differs from '\(first.name)', but the decoder bias is tied to it", tensor: other.name)
            }
            decoderBias = values
        }
        var sink = ParameterSink(layout: layout, form: form)
        for (info, target) in bindings {
            sink.write(try file.readFloats(info), into: target.slot, at: target.offset)
        }
        if computesPositions {
            sink.write(BertFamilyModel.sinusoidalPositionTable(rows: config.maxPositions, width: config.hiddenSize),
                       into: layout.positionEmbeddings)
        }
        if let decoderBias { sink.write(decoderBias, into: layout.decoderBias) }
        let (parameters, packed) = sink.finish()
        self.init(config: config, parameters: parameters, packed: packed)
    }

    /// One file.
    public init(config: BertFamilyConfig, weights file: SafeTensorsFile) throws(ModelFileError) {
        try self.init(config: config, weights: WeightFiles(file))
    }

    /// config.json and model.safetensors of an HF model directory.
    public static func load(directory url: URL) throws(ModelFileError) -> BertFamilyModel {
        let directory = try ModelDirectory(url)
        return try BertFamilyModel(config: BertFamilyConfig.load(from: directory.configURL), weights: directory.openWeights())
    }

    /// DistilBERT's fixed position table (HF's `create_sinusoidal_embeddings`): row p, column j holds
    /// sin(p / 10000^(2⌊j/2⌋/width)) for even j and cos(…) for odd j, computed in double, stored as float.
    public static func sinusoidalPositionTable(rows: Int, width: Int) -> [Float] {
        var table = [Float](repeating: 0, count: rows * width)
        for j in 0..<width {
            let denominator = Foundation.pow(10_000.0, Double(2 * (j / 2)) / Double(width))
            for p in 0..<rows {
                let angle = Double(p) / denominator
                table[p * width + j] = Float(j % 2 == 0 ? Foundation.sin(angle) : Foundation.cos(angle))
            }
        }
        return table
    }
}

/// HF's tensor names for one BERT-family config, mapped onto the arena. The only place that knows them.
struct BertFamilyTensorNames {
    /// Where a tensor goes: `count` floats at `offset` within `slot` (q, k and v share the fused QKV slot).
    struct Target {
        let slot: ParameterSlot
        let offset: Int
        let shape: [Int]
        var count: Int { shape.reduce(1, *) }
    }

    /// The base model's attribute in the *ForMaskedLM class, which prefixes every encoder tensor.
    let prefix: String
    /// Tensors bound to the arena, by prefixed name.
    var targets: [String: Target] = [:]
    /// Names every checkpoint must have (every target; the decoder bias is checked on its own).
    var required: [String] = []
    /// Known tensors the masked-LM forward never reads.
    var ignored: Set<String> = []
    /// The decoder weight's name when it is tied to the word embeddings (then an optional copy).
    var tiedDecoderWeight: String?
    /// The decoder bias's names: one, or (BERT / RoBERTa with a tied decoder) the head's `bias` and the
    /// decoder's own, which HF ties together.
    var decoderBiasNames: [String] = []
    let positionTable: String

    init(config: BertFamilyConfig, layout: BertFamilyLayout) {
        let h = config.hiddenSize
        switch config.variant {
        case .bert: prefix = "bert."
        case .roberta: prefix = "roberta."
        case .distilbert: prefix = "distilbert."
        }
        positionTable = prefix + "embeddings.position_embeddings.weight"

        func bind(_ name: String, _ slot: ParameterSlot, offset: Int = 0, shape: [Int]? = nil) {
            targets[name] = Target(slot: slot, offset: offset, shape: shape ?? slot.shape)
            required.append(name)
        }
        func bind(_ name: String, _ pair: some WeightAndBiasSlots) {
            bind(name + ".weight", pair.weight)
            if let bias = pair.bias { bind(name + ".bias", bias) }
        }
        /// Query, key and value as the three row blocks of the fused QKV weight and bias.
        func bindQKV(_ names: [String], _ qkv: LinearSlots) {
            for (k, name) in names.enumerated() {
                bind(name + ".weight", qkv.weight, offset: k * h * h, shape: [h, h])
                if let bias = qkv.bias { bind(name + ".bias", bias, offset: k * h, shape: [h]) }
            }
        }

        let p = prefix
        bind(p + "embeddings.word_embeddings.weight", layout.wordEmbeddings)
        bind(positionTable, layout.positionEmbeddings)
        if let types = layout.tokenTypeEmbeddings { bind(p + "embeddings.token_type_embeddings.weight", types) }
        bind(p + "embeddings.LayerNorm", layout.embeddingNorm)
        ignored.insert(p + "embeddings.position_ids")

        switch config.variant {
        case .bert, .roberta:
            ignored.insert(p + "embeddings.token_type_ids")
            ignored.formUnion([p + "pooler.dense.weight", p + "pooler.dense.bias"])
            for (l, slots) in layout.layers.enumerated() {
                let layer = p + "encoder.layer.\(l)."
                bindQKV([layer + "attention.self.query", layer + "attention.self.key", layer + "attention.self.value"], slots.qkv)
                bind(layer + "attention.output.dense", slots.attentionOutput)
                bind(layer + "attention.output.LayerNorm", slots.attentionNorm)
                bind(layer + "intermediate.dense", slots.mlpInput)
                bind(layer + "output.dense", slots.mlpOutput)
                bind(layer + "output.LayerNorm", slots.mlpNorm)
            }
            let head: String
            if config.variant == .bert {
                head = "cls.predictions."
                bind(head + "transform.dense", layout.headDense)
                bind(head + "transform.LayerNorm", layout.headNorm)
                ignored.formUnion(["cls.seq_relationship.weight", "cls.seq_relationship.bias"])
            } else {
                head = "lm_head."
                bind(head + "dense", layout.headDense)
                bind(head + "layer_norm", layout.headNorm)
            }
            if let decoder = layout.decoderWeight {
                bind(head + "decoder.weight", decoder)
                // Untied, the decoder has its own bias and the head's `bias` is left unused (transformers 5.x).
                decoderBiasNames = [head + "decoder.bias"]
                ignored.insert(head + "bias")
            } else {
                tiedDecoderWeight = head + "decoder.weight"
                decoderBiasNames = [head + "bias", head + "decoder.bias"]
            }
        case .distilbert:
            for (l, slots) in layout.layers.enumerated() {
                let layer = p + "transformer.layer.\(l)."
                bindQKV([layer + "attention.q_lin", layer + "attention.k_lin", layer + "attention.v_lin"], slots.qkv)
                bind(layer + "attention.out_lin", slots.attentionOutput)
                bind(layer + "sa_layer_norm", slots.attentionNorm)
                bind(layer + "ffn.lin1", slots.mlpInput)
                bind(layer + "ffn.lin2", slots.mlpOutput)
                bind(layer + "output_layer_norm", slots.mlpNorm)
            }
            bind("vocab_transform", layout.headDense)
            bind("vocab_layer_norm", layout.headNorm)
            if let decoder = layout.decoderWeight {
                bind("vocab_projector.weight", decoder)
            } else {
                tiedDecoderWeight = "vocab_projector.weight"
            }
            decoderBiasNames = ["vocab_projector.bias"]
        }
    }

    /// The prefixed HF name a file's tensor stands for, or nil when it is no tensor of this model: legacy
    /// `LayerNorm.gamma` / `LayerNorm.beta` renamed as HF does, then the name as is or with the base prefix.
    func canonical(_ name: String) -> String? {
        let renamed = name.replacingOccurrences(of: "LayerNorm.gamma", with: "LayerNorm.weight")
            .replacingOccurrences(of: "LayerNorm.beta", with: "LayerNorm.bias")
        for candidate in [renamed, prefix + renamed] where isKnown(candidate) { return candidate }
        return nil
    }

    private func isKnown(_ name: String) -> Bool {
        targets[name] != nil || ignored.contains(name) || name == tiedDecoderWeight || decoderBiasNames.contains(name)
    }
}
