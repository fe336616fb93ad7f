import FlowKernels

/// Packed copies of every linear weight for the inference GEMM (see `PackedWeight`), keyed by the weight's
/// arena offset. Made once by `ModernBertModel.packForInference()`; dropped as soon as the parameters change.
public final class InferenceWeights: Sendable {
    let packed: [Int: PackedWeight]

    /// nil when this CPU has no packed kernel.
    init?(layout: ParameterLayout, arena: UnsafePointer<Float>) {
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
