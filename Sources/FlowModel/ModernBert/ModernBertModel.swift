import FlowCore
import FlowKernels

/// A ModernBERT masked-LM: its config, the arena layout and the parameters themselves (one flat array,
/// see ParameterLayout). A value type: the trainer mutates `parameters` in place.
public struct ModernBertModel: ArenaModel, Sendable {
    public let config: ModernBertConfig
    public let layout: ParameterLayout
    /// The float32 arena that training and saving read and write; empty in a model packed for inference, whose
    /// tensors live in `inferenceWeights` alone. Setting a full arena drops the packed copy, so it never goes stale.
    public var parameters: [Float] {
        didSet {
            precondition(parameters.count == layout.totalCount, "ModernBertModel: parameter arena has the wrong size")
            inferenceWeights = nil
        }
    }
    /// The packed linear weights and a compact arena of the rest, in a model packed for inference
    /// (`packedForInference`, or loaded with `ParameterForm.inference`).
    public private(set) var inferenceWeights: PackedParameters?

    public init(config: ModernBertConfig, parameters: [Float]) {
        self.init(config: config, parameters: parameters, packed: nil)
    }

    /// A model packed for inference (`parameters` empty), or one with its arena when `packed` is nil.
    init(config: ModernBertConfig, parameters: [Float], packed: PackedParameters?) {
        let layout = ParameterLayout(config: config)
        precondition(packed != nil ? parameters.isEmpty : parameters.count == layout.totalCount,
                     "ModernBertModel: parameter arena has the wrong size")
        self.config = config; self.layout = layout; self.parameters = parameters; inferenceWeights = packed
    }

    /// Packs the linear weights for the inference GEMM and drops the float32 arena (`packedForInference`).
    /// `precision` nil: `InferencePrecision.automatic`; bf16 only where the CPU runs it.
    public mutating func packForInference(precision: InferencePrecision? = nil) {
        self = packedForInference(precision: precision)
    }

    /// HF's initialisation: truncated normal (±2σ), σ = 0.02 for embeddings, Wqkv and Wi, 0.02/√(2L) for
    /// the output projections and the head's dense layer; norms at 1, biases at 0.
    public static func randomlyInitialized(config: ModernBertConfig, seed: UInt64) -> ModernBertModel {
        let layout = ParameterLayout(config: config)
        var parameters = [Float](repeating: 0, count: layout.totalCount)
        var random = FlowRandom(seed: seed)
        let outputStd = 0.02 / (2 * Double(config.layerCount)).squareRoot()
        func fill(_ slot: ParameterSlot, std: Double) {
            for k in slot.range {
                var g = random.nextGaussian()
                while abs(g) > 2 { g = random.nextGaussian() }
                parameters[k] = Float(g * std)
            }
        }
        func ones(_ norm: NormSlots) { for k in norm.weight.range { parameters[k] = 1 } }
        fill(layout.tokenEmbeddings, std: 0.02)
        ones(layout.embeddingNorm)
        for layer in layout.layers {
            if let n = layer.attentionNorm { ones(n) }
            fill(layer.qkv.weight, std: 0.02)
            fill(layer.attentionOutput.weight, std: outputStd)
            ones(layer.mlpNorm)
            fill(layer.mlpInput.weight, std: 0.02)
            fill(layer.mlpOutput.weight, std: outputStd)
        }
        ones(layout.finalNorm)
        fill(layout.headDense.weight, std: outputStd)
        ones(layout.headNorm)
        if let d = layout.decoderWeight { fill(d, std: 0.02) }
        return ModernBertModel(config: config, parameters: parameters)
    }
}
