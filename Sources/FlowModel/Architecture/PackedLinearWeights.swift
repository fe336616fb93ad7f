import FlowKernels

/// Packed copies of a model's linear weights for the AVX-512 inference GEMM (see `PackedWeight`), keyed by each
/// weight's arena offset, which is how the forward pass's `LinearSlots` find theirs. Made once when a model is
/// packed for inference; a model whose parameters change must drop it. In bf16 only the bf16 copies are kept.
public final class PackedLinearWeights: Sendable {
    private let byOffset: [Int: PackedWeight]
    private let bf16ByOffset: [Int: PackedWeightBF16]
    /// What the GEMMs over these weights run in.
    public let precision: InferencePrecision

    /// Packs every [out, in] weight in `slots`, read from `arena`, in `precision` where this CPU runs it (else in
    /// fp32); nil when this CPU has no packed kernel.
    init?(slots: [ParameterSlot], arena: UnsafePointer<Float>, precision: InferencePrecision = .fp32) {
        guard PackedWeight.isSupported else { return nil }
        var packed: [Int: PackedWeight] = [:], bf16: [Int: PackedWeightBF16] = [:]
        let resolved = InferencePrecision.resolved(precision)
        for slot in slots {
            let weight = arena + slot.offset, out = slot.shape[0], inFeatures = slot.shape[1]
            if resolved == .bf16 {
                bf16[slot.offset] = PackedWeightBF16(weight: weight, outFeatures: out, inFeatures: inFeatures)
            } else {
                packed[slot.offset] = PackedWeight(weight: weight, outFeatures: out, inFeatures: inFeatures)
            }
        }
        byOffset = packed; bf16ByOffset = bf16; self.precision = resolved
    }

    /// The packed copy of `weight`, if it is one of the packed slots.
    func packed(_ weight: ParameterSlot) -> PackedWeight? { byOffset[weight.offset] }
    /// Its bf16 copy, when packed in bf16.
    func packedBF16(_ weight: ParameterSlot) -> PackedWeightBF16? { bf16ByOffset[weight.offset] }
}
