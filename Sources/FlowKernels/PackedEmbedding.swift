import CVectorMath

/// `embeddingForward` reading its rows out of a packed weight: when a decoder is tied to the token embeddings, an
/// inference model keeps the table only in the decoder's panels (docs/DECISIONS.md, "Inference keeps one copy of
/// each weight"). Row r lies in panel r / 32 as column r % 32, one float every 32: a strided gather, which costs
/// microseconds per token against the milliseconds of the layers after it.
public func packedEmbeddingForward(ids: UnsafePointer<Int32>, count: Int, table: PackedWeight,
                                   output: UnsafeMutablePointer<Float>) {
    let width = table.inFeatures
    for i in 0..<count {
        table.copyRow(Int(ids[i]), into: output + i * width)
    }
}

extension PackedWeight {
    /// Row `row` of the [out, in] weight this was packed from, copied into `output` [in].
    public func copyRow(_ row: Int, into output: UnsafeMutablePointer<Float>) {
        precondition(row >= 0 && row < outFeatures, "PackedWeight.copyRow: row out of range")
        let panel = Self.panelWidth
        let source = UnsafePointer(panels) + (row / panel) * panel * inFeatures + row % panel
        for k in 0..<inFeatures { output[k] = source[k * panel] }
    }

    /// Output columns per panel (CVectorMath's FLOWLM_PACKED_PANEL).
    static var panelWidth: Int { Int(FLOWLM_PACKED_PANEL) }
}
