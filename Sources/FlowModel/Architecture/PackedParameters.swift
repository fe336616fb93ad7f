import FlowKernels

/// A model's parameters as inference keeps them: every linear weight (and the decoder, tied or not) only as its
/// packed copy for the AVX-512 GEMM, and every other tensor (norms, biases, position tables, untied embeddings)
/// in a compact float32 arena of its own. No float32 copy of a packed weight is kept, so an inference model holds
/// its weights once (docs/DECISIONS.md, "Inference keeps one copy of each weight").
public final class PackedParameters: Sendable {
    /// Packed weights by their slot's offset in the full arena layout, which is how `LinearSlots` find theirs.
    private let packedByOffset: [Int: PackedWeight]
    /// The same in bf16, when packed in bf16 (then `packedByOffset` is empty).
    private let bf16ByOffset: [Int: PackedWeightBF16]
    /// What the GEMMs over these weights run in.
    public let precision: InferencePrecision
    /// The tensors that are not packed, each at `compactOffsets[slot.offset]`.
    let compact: [Float]
    private let compactOffsets: [Int: Int]

    fileprivate init(packedByOffset: [Int: PackedWeight], bf16ByOffset: [Int: PackedWeightBF16], precision: InferencePrecision,
                     compact: [Float], compactOffsets: [Int: Int]) {
        self.packedByOffset = packedByOffset; self.bf16ByOffset = bf16ByOffset; self.precision = precision
        self.compact = compact; self.compactOffsets = compactOffsets
    }

    /// The packed copy of `weight`, if it is one of the packed slots (fp32).
    func packed(_ weight: ParameterSlot) -> PackedWeight? { packedByOffset[weight.offset] }
    /// Its bf16 copy, when packed in bf16.
    func packedBF16(_ weight: ParameterSlot) -> PackedWeightBF16? { bf16ByOffset[weight.offset] }

    /// Where `slot` starts in `compact`; nil for a packed weight.
    func compactOffset(_ slot: ParameterSlot) -> Int? { compactOffsets[slot.offset] }

    /// Bytes held: the packed panels and the compact arena.
    public var byteCount: Int {
        bf16ByOffset.values.reduce(packedByOffset.values.reduce(compact.count * 4) { $0 + $1.byteCount }) { $0 + $1.byteCount }
    }
}

/// Builds `PackedParameters` tensor by tensor as a loader reads them, so a model loaded for inference never holds
/// a float32 arena of its linear weights beside their packed copies: a linear weight is packed as soon as its
/// values are complete (BERT's query, key and value arrive as three row blocks of one fused weight) and its values
/// are dropped; everything else is copied into the compact arena. In bf16 the embedding table of a tied decoder
/// also keeps its float32 rows in the compact arena: the lookup stays exact, as only the GEMMs run in bf16.
struct PackedParametersBuilder {
    private let packedSlots: [Int: ParameterSlot]
    private let precision: InferencePrecision
    private var packedByOffset: [Int: PackedWeight] = [:]
    private var bf16ByOffset: [Int: PackedWeightBF16] = [:]
    /// Fused weights still missing some of their rows: the values so far and how many were written.
    private var partial: [Int: (values: [Float], written: Int)] = [:]
    private var compact: [Float]
    private let compactOffsets: [Int: Int]
    /// Every packed weight's panels, one after another.
    private let storage: PackedWeightStorage

    /// In `precision` (nil: `InferencePrecision.automatic`) where the CPU runs it. Nil when this CPU has no packed
    /// kernel: then a model keeps its float32 arena.
    init?(layout: some ArenaLayout, precision: InferencePrecision?) {
        guard PackedWeight.isSupported else { return nil }
        self.precision = InferencePrecision.resolved(precision)
        var packedSlots: [Int: ParameterSlot] = [:]
        for slot in layout.linearWeights { packedSlots[slot.offset] = slot }
        let table = layout.embeddingTable
        var offsets: [Int: Int] = [:], count = 0
        let alignment = ArenaLayoutBuilder.alignment
        for slot in layout.slots where packedSlots[slot.offset] == nil || (self.precision == .bf16 && slot == table) {
            offsets[slot.offset] = count
            count = (count + slot.count + alignment - 1) / alignment * alignment
        }
        self.packedSlots = packedSlots
        storage = PackedWeightStorage(floatCount: self.precision == .bf16 ? 0 : packedSlots.values.reduce(0) {
            $0 + PackedWeight.floatCount(outFeatures: $1.shape[0], inFeatures: $1.shape[1])
        })
        compactOffsets = offsets
        compact = [Float](repeating: 0, count: count)
    }

    /// `values` written into `slot` from element `offset` on (row blocks of a fused weight come at their offsets).
    mutating func write(_ values: some Collection<Float>, into slot: ParameterSlot, at offset: Int = 0) {
        precondition(offset >= 0 && offset + values.count <= slot.count, "PackedParametersBuilder: write outside '\(slot.name)'")
        if let start = compactOffsets[slot.offset] {
            compact.replaceSubrange((start + offset)..<(start + offset + values.count), with: values)
            if packedSlots[slot.offset] == nil { return }
        }
        precondition(packedByOffset[slot.offset] == nil && bf16ByOffset[slot.offset] == nil,
                     "PackedParametersBuilder: '\(slot.name)' was already packed")
        if offset == 0, values.count == slot.count, partial[slot.offset] == nil,
           values.withContiguousStorageIfAvailable({ pack(slot, $0) }) != nil {
            return
        }
        var entry = partial.removeValue(forKey: slot.offset) ?? ([Float](repeating: 0, count: slot.count), 0)
        entry.values.replaceSubrange(offset..<(offset + values.count), with: values)
        entry.written += values.count
        if entry.written >= slot.count { entry.values.withUnsafeBufferPointer { pack(slot, $0) } } else { partial[slot.offset] = entry }
    }

    private mutating func pack(_ slot: ParameterSlot, _ values: UnsafeBufferPointer<Float>) {
        if precision == .bf16 {
            guard let packed = PackedWeightBF16(weight: values.baseAddress!, outFeatures: slot.shape[0], inFeatures: slot.shape[1]) else {
                preconditionFailure("PackedParametersBuilder: cannot pack '\(slot.name)' of shape \(slot.shape) in bf16")
            }
            bf16ByOffset[slot.offset] = packed
            return
        }
        guard let packed = PackedWeight(weight: values.baseAddress!, outFeatures: slot.shape[0], inFeatures: slot.shape[1],
                                        storage: storage) else {
            preconditionFailure("PackedParametersBuilder: cannot pack '\(slot.name)' of shape \(slot.shape)")
        }
        packedByOffset[slot.offset] = packed
    }

    /// The parameters; a packed slot never written (or only in part) is packed with zeros where it was not, as a
    /// float32 arena would have held them.
    consuming func finish() -> PackedParameters {
        for (offset, entry) in partial { entry.values.withUnsafeBufferPointer { pack(packedSlots[offset]!, $0) } }
        partial = [:]
        for (offset, slot) in packedSlots where packedByOffset[offset] == nil && bf16ByOffset[offset] == nil {
            [Float](repeating: 0, count: slot.count).withUnsafeBufferPointer { pack(slot, $0) }
        }
        // The tensors' values were read into temporary arrays one after another; give their memory back now.
        defer { returnFreedMemory() }
        return PackedParameters(packedByOffset: packedByOffset, bf16ByOffset: bf16ByOffset, precision: precision,
                                compact: compact, compactOffsets: compactOffsets)
    }
}
