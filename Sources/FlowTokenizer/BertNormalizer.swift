/// HF's `BertNormalizer`, step by step in HF's order and with its alignments: clean_text, then spaces
/// around CJK ideographs, then accent stripping (NFD, then nonspacing marks dropped), then lowercasing.
struct BertNormalizer: Equatable, Sendable {
    var cleanText = true
    var handleChineseChars = true
    /// Already resolved: tokenizer.json's null means "as lowercase".
    var stripAccents = true
    var lowercase = true

    func apply(_ text: NormalizedText) -> NormalizedText {
        var text = text
        if cleanText {
            text = text.filtered { !HFUnicode.isCleanTextRemoved($0) }
            text = text.mapped { HFUnicode.isWhitespace($0) ? " " : $0 }
        }
        if handleChineseChars && text.scalars.contains(where: HFUnicode.isCJKIdeograph) {
            var items: [NFC.Item] = []
            items.reserveCapacity(text.count + 16)
            for scalar in text.scalars {
                if HFUnicode.isCJKIdeograph(scalar) {
                    // The spaces and the ideograph all align with the ideograph.
                    items += [NFC.Item(scalar: " ", change: 0), NFC.Item(scalar: scalar, change: 1),
                              NFC.Item(scalar: " ", change: 1)]
                } else {
                    items.append(NFC.Item(scalar: scalar, change: 0))
                }
            }
            text = text.transformed(items)
        }
        if stripAccents {
            text = NFD.apply(text).filtered { !HFUnicode.isNonspacingMark($0) }
        }
        if lowercase { text = Lowercase.apply(text) }
        return text
    }
}

/// NFD with HF's alignments: each scalar's decomposition (extra pieces are insertions), then canonical
/// reordering carrying the change counts, as HF's normalization crate reports them.
enum NFD {
    /// Scalars Foundation decomposes but HF's (older) normalization tables leave alone.
    static let keptByHF: Set<UInt32> = [0x11938]

    static func apply(_ text: NormalizedText) -> NormalizedText {
        // Below U+00C0 every scalar is its own decomposition and a starter.
        guard text.scalars.contains(where: { $0.value >= 0xC0 }) else { return text }
        var items: [NFC.Item] = []
        items.reserveCapacity(text.count)
        var run: [Unicode.Scalar] = []
        func flush() {
            guard !run.isEmpty else { return }
            items += NFC.decompose(run)
            run.removeAll(keepingCapacity: true)
        }
        for scalar in text.scalars {
            if keptByHF.contains(scalar.value) {
                flush()
                items.append(NFC.Item(scalar: scalar, change: 0))
            } else {
                run.append(scalar)
            }
        }
        flush()
        items = NFC.reorder(items)
        return text.transformed(items)
    }
}

/// Full Unicode lowercasing, scalar by scalar (Rust's `char::to_lowercase`, so no context-dependent final
/// sigma): a scalar that lowercases to several keeps its alignment for the first and inserts the rest.
enum Lowercase {
    static func apply(_ text: NormalizedText) -> NormalizedText {
        var expands = false
        var mapped = text
        mapped.replaceScalars { scalar in
            let v = scalar.value
            if v < 0x80 { return (0x41...0x5A).contains(v) ? Unicode.Scalar(v + 0x20)! : scalar }
            let lower = scalar.properties.lowercaseMapping.unicodeScalars
            guard lower.count == 1, let only = lower.first else {
                expands = true
                return scalar
            }
            return only
        }
        guard expands else { return mapped }
        var items: [NFC.Item] = []
        items.reserveCapacity(text.count + 4)
        for scalar in text.scalars {
            let v = scalar.value
            if v < 0x80 {
                items.append(NFC.Item(scalar: (0x41...0x5A).contains(v) ? Unicode.Scalar(v + 0x20)! : scalar, change: 0))
                continue
            }
            for (k, piece) in scalar.properties.lowercaseMapping.unicodeScalars.enumerated() {
                items.append(NFC.Item(scalar: piece, change: k == 0 ? 0 : 1))
            }
        }
        return text.transformed(items)
    }
}
