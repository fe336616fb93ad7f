import FlowCore
import FlowKernels

/// A BERT-family masked LM ready for forward passes: its config, the arena layout and the parameters (one flat
/// array, see BertFamilyLayout). Forward-only: the parameters never change after loading, so a packed copy made
/// by `packForInference` can never go stale.
public struct BertFamilyModel: Sendable {
    public let config: BertFamilyConfig
    public let layout: BertFamilyLayout
    public let parameters: [Float]
    /// Packed copies of the linear weights that the forward pass uses when present (`packForInference`).
    public private(set) var inferenceWeights: BertFamilyInferenceWeights?

    public init(config: BertFamilyConfig, parameters: [Float]) {
        let layout = BertFamilyLayout(config: config)
        precondition(parameters.count == layout.totalCount, "BertFamilyModel: parameter arena has the wrong size")
        self.config = config; self.layout = layout; self.parameters = parameters
    }

    /// Packs the linear weights (QKV, attention output, MLP, head dense, decoder) for the AVX-512 inference GEMM
    /// (about the size of the weights again), when the CPU has it.
    public mutating func packForInference() {
        guard inferenceWeights == nil else { return }
        inferenceWeights = parameters.withUnsafeBufferPointer {
            BertFamilyInferenceWeights(layout: layout, arena: $0.baseAddress!)
        }
    }

    /// Values of one tensor.
    public func values(_ slot: ParameterSlot) -> ArraySlice<Float> { parameters[slot.range] }
}

/// Packed copies of a BERT-family model's linear weights for the inference GEMM, keyed by arena offset.
public final class BertFamilyInferenceWeights: Sendable {
    let packed: [Int: PackedWeight]

    /// nil when this CPU has no packed kernel.
    init?(layout: BertFamilyLayout, arena: UnsafePointer<Float>) {
        guard PackedWeight.isSupported else { return nil }
        var linears = [layout.headDense.weight, layout.decoder]
        for layer in layout.layers {
            linears += [layer.qkv.weight, layer.attentionOutput.weight, layer.mlpInput.weight, layer.mlpOutput.weight]
        }
        var packed: [Int: PackedWeight] = [:]
        for slot in linears {
            packed[slot.offset] = PackedWeight(weight: arena + slot.offset, outFeatures: slot.shape[0], inFeatures: slot.shape[1])
        }
        self.packed = packed
    }
}
