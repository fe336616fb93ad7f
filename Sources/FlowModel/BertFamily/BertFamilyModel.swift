import FlowCore
import FlowKernels

/// A BERT-family masked LM ready for forward passes: its config, the arena layout and the parameters (one flat
/// array, see BertFamilyLayout), or, packed for inference, `PackedParameters` alone. Forward-only: the parameters
/// never change after loading.
public struct BertFamilyModel: ArenaModel, Sendable {
    public let config: BertFamilyConfig
    public let layout: BertFamilyLayout
    /// The float32 arena; empty in a model packed for inference, whose tensors live in `inferenceWeights` alone.
    public let parameters: [Float]
    /// The packed linear weights and a compact arena of the rest, in a model packed for inference.
    public let inferenceWeights: PackedParameters?

    public init(config: BertFamilyConfig, parameters: [Float]) {
        self.init(config: config, parameters: parameters, packed: nil)
    }

    /// A model packed for inference (`parameters` empty), or one with its arena when `packed` is nil.
    init(config: BertFamilyConfig, parameters: [Float], packed: PackedParameters?) {
        let layout = BertFamilyLayout(config: config)
        precondition(packed != nil ? parameters.isEmpty : parameters.count == layout.totalCount,
                     "BertFamilyModel: parameter arena has the wrong size")
        self.config = config; self.layout = layout; self.parameters = parameters; inferenceWeights = packed
    }

    /// Packs the linear weights (QKV, attention output, MLP, head dense, decoder) for the inference GEMM and drops
    /// the float32 arena (`packedForInference`).
    /// `precision` nil: `InferencePrecision.automatic`; bf16 only where the CPU runs it.
    public mutating func packForInference(precision: InferencePrecision? = nil) {
        self = packedForInference(precision: precision)
    }
}
