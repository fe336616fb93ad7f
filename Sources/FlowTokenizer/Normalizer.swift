import Foundation

/// The normalizers FlowLM supports: NFC, alone or in a Sequence (HF's `normalizer` field).
enum Normalizer: Equatable {
    case nfc
    case sequence([Normalizer])

    func apply(_ text: NormalizedText) -> NormalizedText {
        switch self {
        case .nfc: return NFC.apply(text)
        case let .sequence(steps): return steps.reduce(text) { $1.apply($0) }
        }
    }

    func apply(_ string: String) -> String {
        let scalars = Array(string.unicodeScalars)
        return apply(NormalizedText(original: scalars, range: 0..<scalars.count)).string
    }
}

/// NFC with HF's alignments: composition happens inside one grapheme cluster, and a composed scalar keeps
/// the origin of the first scalar it replaced (so "e\u{301}" -> "é" maps to the "e" alone, as HF reports).
enum NFC {
    static func apply(_ text: NormalizedText) -> NormalizedText {
        // Every scalar below U+0300 is NFC on its own and never composes with what precedes it.
        guard text.scalars.contains(where: { $0.value >= 0x300 }) else { return text }
        var out = NormalizedText(scalars: [], starts: [], ends: [])
        out.scalars.reserveCapacity(text.count)
        out.starts.reserveCapacity(text.count)
        out.ends.reserveCapacity(text.count)
        let string = text.string
        var index = 0
        for cluster in string {
            let original = Array(cluster.unicodeScalars)
            let normalized: [Unicode.Scalar]
            if original.allSatisfy({ $0.value < 0x300 }) {
                normalized = original
            } else {
                normalized = Array(String(cluster).precomposedStringWithCanonicalMapping.unicodeScalars)
            }
            let sameCount = normalized.count == original.count
            for (k, scalar) in normalized.enumerated() {
                let source = index + (sameCount ? k : min(k, original.count - 1))
                out.scalars.append(scalar)
                out.starts.append(text.starts[source])
                out.ends.append(text.ends[source])
            }
            index += original.count
        }
        return out
    }
}
