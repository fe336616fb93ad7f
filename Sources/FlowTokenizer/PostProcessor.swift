import FlowCore

/// The post-processors FlowLM supports: TemplateProcessing (`[CLS] $A [SEP]`, and a pair template) and
/// ByteLevel (offset trimming only).
enum PostProcessor: Sendable {
    enum Piece: Sendable, Equatable {
        case special(String)
        case sequence(first: Bool)
    }

    struct SpecialEntry: Sendable, Equatable {
        var ids: [TokenID]
        var tokens: [String]
    }

    case template(single: [Piece], pair: [Piece]?, specials: [String: SpecialEntry])
    case byteLevel(trimOffsets: Bool, addPrefixSpace: Bool)

    /// One sequence (or two, when `second` is given) joined as the template says.
    func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) -> Encoding {
        switch self {
        case let .byteLevel(trimOffsets, addPrefixSpace):
            var a = first
            if trimOffsets { PostProcessor.trim(&a, addPrefixSpace: addPrefixSpace) }
            if var b = second {
                if trimOffsets { PostProcessor.trim(&b, addPrefixSpace: addPrefixSpace) }
                a.append(b)
            }
            return a
        case let .template(single, pair, specials):
            guard addSpecialTokens else {
                var a = first
                if let second { a.append(second) }
                return a
            }
            let pieces = second == nil ? single : (pair ?? single)
            var out = Encoding()
            for piece in pieces {
                switch piece {
                case let .special(name):
                    guard let entry = specials[name] else { continue }
                    for (id, token) in zip(entry.ids, entry.tokens) {
                        out.ids.append(id)
                        out.tokens.append(token)
                        out.offsets.append(0..<0)
                    }
                case let .sequence(isFirst):
                    if isFirst { out.append(first) } else if let second { out.append(second) }
                }
            }
            return out
        }
    }

    /// HF's ByteLevel offset trimming: leading/trailing spaces (as 'Ġ' or whitespace) leave the offsets,
    /// except the one space `add_prefix_space` put in front of the first token.
    static func trim(_ encoding: inout Encoding, addPrefixSpace: Bool) {
        let spaceMark = ByteLevel.byteToScalar[0x20]
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == spaceMark || s.properties.isWhitespace }
        for i in encoding.tokens.indices {
            let scalars = Array(encoding.tokens[i].unicodeScalars)
            var leading = scalars.prefix(while: isSpace).count
            let trailing = scalars.reversed().prefix(while: isSpace).count
            var range = encoding.offsets[i]
            if leading > 0 {
                let isFirst = i == 0 || range.lowerBound == 0
                if isFirst && addPrefixSpace && leading == 1 { leading = 0 }
                range = min(range.lowerBound + leading, range.upperBound)..<range.upperBound
            }
            if trailing > 0 && range.upperBound >= trailing {
                range = range.lowerBound..<max(range.upperBound - trailing, range.lowerBound)
            }
            encoding.offsets[i] = range
        }
    }
}
