import FlowKernels

/// A model's parameters as inference keeps them: every linear weight (and the decoder, tied or not) only as its
/// packed copy for the AVX-512 GEMM, and every other tensor (norms, biases, position tables, untied embeddings)
/// in a compact float32 arena of its own. No float32 copy of a packed weight is kept, so an inference model holds
/// its weights once (docs/DECISIONS.md, "Inference keeps one copy of each weight").
public final class PackedParameters: Sendable {
    /// Packed weights by their slot's offset in the full arena layout, which is how `LinearSlots` find theirs.
    private let packedByOffset: [Int: PackedWeight]
    /// The tensors that are not packed, each at `compactOffsets[slot.offset]`.
    let compact: [Float]
    private let compactOffsets: [Int: Int]

    fileprivate init(packedByOffset: [Int: PackedWeight], compact: [Float], compactOffsets: [Int: Int]) {
        self.packedByOffset = packedByOffset; self.compact = compact; self.compactOffsets = compactOffsets
    }

    /// The packed copy of `weight`, if it is one of the packed slots.
    func packed(_ weight: ParameterSlot) -> PackedWeight? { packedByOffset[weight.offset] }

    /// Where `slot` starts in `compact`; nil for a packed weight.
    func compactOffset(_ slot: ParameterSlot) -> Int? { compactOffsets[slot.offset] }

    /// Bytes held: the packed panels and the compact arena.
    public var byteCount: Int {
        packedByOffset.values.reduce(compact.count * 4) { $0 + $1.byteCount }
    }
}

/// Builds `PackedParameters` tensor by tensor as a loader reads them, so a model loaded for inference never holds
/// a float32 arena of its linear weights beside their packed copies: a linear weight is packed as soon as its
/// values are complete (BERT's query, key and value arrive as three row blocks of one fused weight) and its values
/// are dropped; everything else is copied into the compact arena.
struct PackedParametersBuilder {
    private let packedSlots: [Int: ParameterSlot]
    private var packedByOffset: [Int: PackedWeight] = [:]
    /// Fused weights still missing some of their rows: the values so far and how many were written.
    private var partial: [Int: (values: [Float], written: Int)] = [:]
    private var compact: [Float]
    private let compactOffsets: [Int: Int]
    /// Every packed weight's panels, one after another.
    private let storage: PackedWeightStorage

    /// Nil when this CPU has no packed kernel: then a model keeps its float32 arena.
    init?(layout: some ArenaLayout) {
        guard PackedWeight.isSupported else { return nil }
        var packedSlots: [Int: ParameterSlot] = [:]
        for slot in layout.linearWeights { packedSlots[slot.offset] = slot }
        var offsets: [Int: Int] = [:], count = 0
        let alignment = ArenaLayoutBuilder.alignment
        for slot in layout.slots where packedSlots[slot.offset] == nil {
            offsets[slot.offset] = count
            count = (count + slot.count + alignment - 1) / alignment * alignment
        }
        self.packedSlots = packedSlots
        storage = PackedWeightStorage(floatCount: packedSlots.values.reduce(0) {
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
            return
        }
        precondition(packedByOffset[slot.offset] == nil, "PackedParametersBuilder: '\(slot.name)' was already packed")
        if offset == 0, values.count == slot.count, partial[slot.offset] == nil,
           values.withContiguousStorageIfAvailable({ pack(slot, $0) }) != nil {
            return
        }
        var entry = partial.removeValue(forKey: slot.offset) ?? ([Float](repeating: 0, count: slot.count), 0)
        entry.values.replaceSubrange(offset..<(offset + values.count), with: values)
        entry.written += values.count
        if entry.written >= slot.count { entry.values.withUnsafeBufferPointer { pack(slot, $0) } } else { partial[slot.offset] = entry }
    }

    /// The values of a compact (not packed) slot written so far.
    func compactValues(_ slot: ParameterSlot) -> ArraySlice<Float>? {
        compactOffsets[slot.offset].map { compact[$0..<($0 + slot.count)] }
    }

    private mutating func pack(_ slot: ParameterSlot, _ values: UnsafeBufferPointer<Float>) {
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
        for (offset, slot) in packedSlots where packedByOffset[offset] == nil {
            [Float](repeating: 0, count: slot.count).withUnsafeBufferPointer { pack(slot, $0) }
        }
        // The tensors' values were read into temporary arrays one after another; give their memory back now.
        defer { returnFreedMemory() }
        return PackedParameters(packedByOffset: packedByOffset, compact: compact, compactOffsets: compactOffsets)
    }
}
