/// HF's `NormalizedString` edits, with its alignment rules, for the normalizers that add, drop or replace
/// scalars (BertNormalizer). HF describes an edit as the new scalars, each with a change count: 0 replaces
/// the next input scalar (and takes its alignment), +1 is inserted (and takes the alignment of the input
/// scalar before it), -n replaces the next input scalar and swallows the n after it (keeping only the
/// first one's alignment). `initialRemoved` input scalars are dropped before the first new one.
extension NormalizedText {
    func transformed(_ items: [NFC.Item], initialRemoved: Int = 0) -> NormalizedText {
        var scalars: [Unicode.Scalar] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        scalars.reserveCapacity(items.count)
        starts.reserveCapacity(items.count)
        ends.reserveCapacity(items.count)
        var position = initialRemoved
        for item in items {
            let source = item.change > 0 ? position - 1 : position
            if source >= 0 && source < count {
                starts.append(Int32(start(source)))
                ends.append(Int32(end(source)))
            } else {
                // HF gives an insertion before any input the empty range at the text's start.
                let at = Int32(count > 0 ? start(0) : 0)
                starts.append(at)
                ends.append(at)
            }
            scalars.append(item.scalar)
            if item.change <= 0 { position += 1 - item.change }
        }
        return NormalizedText(scalars: scalars, starts: starts, ends: ends)
    }

    /// HF's `filter`: a kept scalar swallows the dropped ones after it; dropped leading ones are skipped.
    func filtered(keeping keep: (Unicode.Scalar) -> Bool) -> NormalizedText {
        guard let firstDropped = scalars.firstIndex(where: { !keep($0) }) else { return self }
        var items: [NFC.Item] = []
        items.reserveCapacity(count)
        for k in 0..<firstDropped { items.append(NFC.Item(scalar: scalars[k], change: 0)) }
        var initialRemoved = 0
        for k in firstDropped..<count {
            if keep(scalars[k]) {
                items.append(NFC.Item(scalar: scalars[k], change: 0))
            } else if items.isEmpty {
                initialRemoved += 1
            } else {
                items[items.count - 1].change -= 1
            }
        }
        return transformed(items, initialRemoved: initialRemoved)
    }

    /// HF's `map`: one scalar for one, each keeping its alignment.
    func mapped(_ transform: (Unicode.Scalar) -> Unicode.Scalar) -> NormalizedText {
        var copy = self
        copy.replaceScalars { transform($0) }
        return copy
    }
}
