import Foundation

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
        var decompositions: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        for scalar in text.scalars {
            guard scalar.value >= 0xC0, !keptByHF.contains(scalar.value) else {
                items.append(NFC.Item(scalar: scalar, change: 0))
                continue
            }
            var pieces: [Unicode.Scalar]
            if let known = decompositions[scalar] {
                pieces = known
            } else {
                pieces = Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
                decompositions[scalar] = pieces
            }
            for (k, piece) in pieces.enumerated() { items.append(NFC.Item(scalar: piece, change: k == 0 ? 0 : 1)) }
        }
        return text.transformed(NFC.reorder(items))
    }
}

/// Full Unicode lowercasing, scalar by scalar (Rust's `char::to_lowercase`, so no context-dependent final
/// sigma): a scalar that lowercases to several keeps its alignment for the first and inserts the rest.
enum Lowercase {
    static func apply(_ text: NormalizedText) -> NormalizedText {
        var mappings: [Unicode.Scalar: [Unicode.Scalar]] = [:]
        func lowercase(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
            if let known = mappings[scalar] { return known }
            let lower = Array(scalar.properties.lowercaseMapping.unicodeScalars)
            mappings[scalar] = lower
            return lower
        }
        var expands = false
        var mapped = text
        mapped.replaceScalars { scalar in
            let v = scalar.value
            if v < 0x80 { return (0x41...0x5A).contains(v) ? Unicode.Scalar(UInt8(v + 0x20)) : scalar }
            let lower = lowercase(scalar)
            guard lower.count == 1 else {
                expands = true
                return scalar
            }
            return lower[0]
        }
        guard expands else { return mapped }
        var items: [NFC.Item] = []
        items.reserveCapacity(text.count + 4)
        for scalar in text.scalars {
            let v = scalar.value
            if v < 0x80 {
                items.append(NFC.Item(scalar: (0x41...0x5A).contains(v) ? Unicode.Scalar(UInt8(v + 0x20)) : scalar, change: 0))
                continue
            }
            for (k, piece) in lowercase(scalar).enumerated() { items.append(NFC.Item(scalar: piece, change: k == 0 ? 0 : 1)) }
        }
        return text.transformed(items)
    }
}
