import FlowCore
import FlowKernels

/// A BERT-family masked LM ready for forward passes: its config, the arena layout and the parameters (one flat
/// array, see BertFamilyLayout). Forward-only: the parameters never change after loading, so a packed copy made
/// by `packForInference` can never go stale.
public struct BertFamilyModel: ArenaModel, Sendable {
    public let config: BertFamilyConfig
    public let layout: BertFamilyLayout
    public let parameters: [Float]
    /// Packed copies of the linear weights that the forward pass uses when present (`packForInference`).
    public private(set) var inferenceWeights: PackedLinearWeights?

    public init(config: BertFamilyConfig, parameters: [Float]) {
        let layout = BertFamilyLayout(config: config)
        precondition(parameters.count == layout.totalCount, "BertFamilyModel: parameter arena has the wrong size")
        self.config = config; self.layout = layout; self.parameters = parameters
    }

    /// Packs the linear weights (QKV, attention output, MLP, head dense, decoder) for the inference GEMM
    /// (`packLinearWeights`), when the CPU has it.
    /// `precision` nil: `InferencePrecision.automatic`; bf16 only where the CPU runs it. Packing again in another
    /// precision replaces the copy.
    public mutating func packForInference(precision: InferencePrecision? = nil) {
        let resolved = InferencePrecision.resolved(precision)
        if inferenceWeights?.precision != resolved { inferenceWeights = packLinearWeights(precision: resolved) }
    }
}
