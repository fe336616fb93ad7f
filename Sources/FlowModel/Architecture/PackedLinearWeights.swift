import FlowKernels

/// Packed copies of a model's linear weights for the AVX-512 inference GEMM (see `PackedWeight`), keyed by each
/// weight's arena offset, which is how the forward pass's `LinearSlots` find theirs. Made once when a model is
/// packed for inference; a model whose parameters change must drop it.
public final class PackedLinearWeights: Sendable {
    private let byOffset: [Int: PackedWeight]

    /// Packs every [out, in] weight in `slots`, read from `arena`; nil when this CPU has no packed kernel.
    init?(slots: [ParameterSlot], arena: UnsafePointer<Float>) {
        guard PackedWeight.isSupported else { return nil }
        var packed: [Int: PackedWeight] = [:]
        for slot in slots {
            packed[slot.offset] = PackedWeight(weight: arena + slot.offset, outFeatures: slot.shape[0], inFeatures: slot.shape[1])
        }
        byOffset = packed
    }

    /// The packed copy of `weight`, if it is one of the packed slots.
    func packed(_ weight: ParameterSlot) -> PackedWeight? { byOffset[weight.offset] }
}
