import Foundation

/// The normalizers FlowLM supports: NFC, NFD, Lowercase and BertNormalizer, alone or in a Sequence
/// (HF's `normalizer` field).
enum Normalizer: Equatable {
    case nfc
    case nfd
    case lowercase
    case bert(BertNormalizer)
    case sequence([Normalizer])

    func apply(_ text: NormalizedText) -> NormalizedText {
        switch self {
        case .nfc: return NFC.apply(text)
        case .nfd: return NFD.apply(text)
        case .lowercase: return Lowercase.apply(text)
        case let .bert(bert): return bert.apply(text)
        case let .sequence(steps): return steps.reduce(text) { $1.apply($0) }
        }
    }

    func apply(_ string: String) -> String {
        let scalars = Array(string.unicodeScalars)
        return apply(NormalizedText(original: scalars, range: 0..<scalars.count)).string
    }
}

/// NFC with HF's alignments. HF's normalization crate reports each output scalar with a change count
/// (0: replaces one input scalar, +1: inserted, -n: also swallows the next n inputs) and alignments
/// follow those counts positionally. So each scalar is decomposed (extra pieces are insertions), marks
/// are reordered carrying their counts, and a mark composed into its starter moves its count there:
/// "e\u{301}" -> "é" maps to the "e" alone, and after "p\u{323}\u{301}" -> "ṕ\u{323}" the U+0323
/// maps to the input's U+0301. Work is per grapheme cluster, since composition never crosses one.
enum NFC {
    static func apply(_ text: NormalizedText) -> NormalizedText {
        // Every scalar below U+0300 is NFC on its own and never composes with what precedes it.
        guard text.scalars.contains(where: { $0.value >= 0x300 }) else { return text }
        var scalars: [Unicode.Scalar] = []
        var starts: [Int32] = []
        var ends: [Int32] = []
        scalars.reserveCapacity(text.count)
        starts.reserveCapacity(text.count)
        ends.reserveCapacity(text.count)
        var index = 0
        for cluster in text.string {
            let count = cluster.unicodeScalars.count
            let composed: [Item]
            if cluster.unicodeScalars.allSatisfy({ $0.value < 0x300 }) {
                composed = cluster.unicodeScalars.map { Item(scalar: $0, change: 0) }
            } else {
                composed = compose(reorder(decompose(Array(cluster.unicodeScalars))))
            }
            var position = index
            for item in composed {
                // An insertion shares the alignment of the input scalar before it.
                let source = item.change > 0 ? max(position - 1, 0) : min(position, text.count - 1)
                scalars.append(item.scalar)
                starts.append(Int32(text.start(source)))
                ends.append(Int32(text.end(source)))
                if item.change <= 0 { position += 1 - item.change }
            }
            index += count
        }
        return NormalizedText(scalars: scalars, starts: starts, ends: ends)
    }

    struct Item {
        var scalar: Unicode.Scalar
        var change: Int
    }

    private static func decompose(_ scalars: [Unicode.Scalar]) -> [Item] {
        var out: [Item] = []
        for scalar in scalars {
            if scalar.value < 0xC0 {
                out.append(Item(scalar: scalar, change: 0))
            } else {
                for (k, piece) in String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.enumerated() {
                    out.append(Item(scalar: piece, change: k == 0 ? 0 : 1))
                }
            }
        }
        return out
    }

    private static func combiningClass(_ scalar: Unicode.Scalar) -> UInt8 { scalar.properties.canonicalCombiningClass.rawValue }

    /// Canonical ordering: a stable sort by combining class within each run of non-starters.
    static func reorder(_ items: [Item]) -> [Item] {
        var items = items
        var i = 0
        while i < items.count {
            guard combiningClass(items[i].scalar) != 0 else { i += 1; continue }
            var j = i
            while j < items.count && combiningClass(items[j].scalar) != 0 { j += 1 }
            let run = items[i..<j].enumerated().sorted { a, b in
                let ca = combiningClass(a.element.scalar), cb = combiningClass(b.element.scalar)
                return ca != cb ? ca < cb : a.offset < b.offset
            }.map(\.element)
            items.replaceSubrange(i..<j, with: run)
            i = j
        }
        return items
    }

    /// The primary composite of two scalars, if Unicode defines one (Foundation composes the pair).
    private static func composite(_ a: Unicode.Scalar, _ b: Unicode.Scalar) -> Unicode.Scalar? {
        // Hangul is arithmetic (and Foundation on Linux does not compose LV + T).
        let (x, y) = (a.value, b.value)
        if (0x1100..<0x1113).contains(x) && (0x1161..<0x1176).contains(y) {
            return Unicode.Scalar(0xAC00 + ((x - 0x1100) * 21 + (y - 0x1161)) * 28)
        }
        if (0xAC00..<0xD7A4).contains(x) && (x - 0xAC00) % 28 == 0 && (0x11A8..<0x11C3).contains(y) {
            return Unicode.Scalar(x + (y - 0x11A7))
        }
        if (0x1100..<0x1200).contains(y) { return nil }
        var pair = String.UnicodeScalarView()
        pair.append(a)
        pair.append(b)
        let composed = String(pair).precomposedStringWithCanonicalMapping.unicodeScalars
        guard composed.count == 1, let only = composed.first else { return nil }
        return only
    }

    /// UAX #15 canonical composition; the starter takes over the count of each mark it absorbs.
    private static func compose(_ items: [Item]) -> [Item] {
        guard let first = items.first else { return [] }
        var out = [first]
        var starter = 0
        var lastClass: Int = combiningClass(first.scalar) == 0 ? 0 : 256
        for item in items.dropFirst() {
            let itemClass = Int(combiningClass(item.scalar))
            if lastClass < itemClass || lastClass == 0, let c = composite(out[starter].scalar, item.scalar) {
                out[starter].scalar = c
                out[starter].change += item.change - 1
                continue
            }
            if itemClass == 0 { starter = out.count }
            lastClass = itemClass
            out.append(item)
        }
        return out
    }
}
