import FlowCore

/// The post-processors FlowLM supports: TemplateProcessing (`[CLS] $A [SEP]`, and a pair template; HF's
/// BertProcessing loads as the equivalent template), RobertaProcessing (`<s> A </s></s> B </s>`) and
/// ByteLevel (offset trimming only).
enum PostProcessor: Sendable {
    enum Piece: Sendable, Equatable {
        case special(String, typeID: UInt32)
        case sequence(first: Bool, typeID: UInt32)
    }

    struct SpecialEntry: Sendable, Equatable {
        var ids: [TokenID]
        var tokens: [String]
    }

    /// A token with its id, as BertProcessing and RobertaProcessing name `cls` and `sep`.
    struct SpecialToken: Sendable, Equatable {
        var token: String
        var id: TokenID
    }

    case template(single: [Piece], pair: [Piece], specials: [String: SpecialEntry])
    case roberta(sep: SpecialToken, cls: SpecialToken, trimOffsets: Bool, addPrefixSpace: Bool)
    case byteLevel(trimOffsets: Bool, addPrefixSpace: Bool)

    /// HF's pair template when a file gives none: `$A $B:1`.
    static let defaultPair: [Piece] = [.sequence(first: true, typeID: 0), .sequence(first: false, typeID: 1)]

    /// BertProcessing: `[CLS] $A [SEP]` and `[CLS] $A [SEP] $B:1 [SEP]:1`.
    static func bert(sep: SpecialToken, cls: SpecialToken) -> PostProcessor {
        let specials = ["cls": SpecialEntry(ids: [cls.id], tokens: [cls.token]),
                        "sep": SpecialEntry(ids: [sep.id], tokens: [sep.token])]
        let single: [Piece] = [.special("cls", typeID: 0), .sequence(first: true, typeID: 0), .special("sep", typeID: 0)]
        return .template(single: single,
                         pair: single + [.sequence(first: false, typeID: 1), .special("sep", typeID: 1)],
                         specials: specials)
    }

    /// Every id the post-processor can emit (each must be a token of the tokenizer).
    var emittedIDs: [TokenID] {
        switch self {
        case let .template(_, _, specials): return specials.values.flatMap(\.ids)
        case let .roberta(sep, cls, _, _): return [sep.id, cls.id]
        case .byteLevel: return []
        }
    }

    /// One sequence (or two, when `second` is given) joined as HF's post-processor joins them.
    func process(_ first: Encoding, _ second: Encoding?, addSpecialTokens: Bool) -> Encoding {
        switch self {
        case let .byteLevel(trimOffsets, addPrefixSpace):
            var a = first
            if trimOffsets { PostProcessor.trim(&a, addPrefixSpace: addPrefixSpace) }
            guard var b = second else { return a }
            if trimOffsets { PostProcessor.trim(&b, addPrefixSpace: addPrefixSpace) }
            return PostProcessor.joined(a, b)
        case let .template(single, pair, specials):
            var out = Encoding()
            for piece in second == nil ? single : pair {
                switch piece {
                case let .special(name, typeID):
                    // Without special tokens the template still orders the sequences and types them.
                    guard addSpecialTokens, let entry = specials[name] else { continue }
                    for (id, token) in zip(entry.ids, entry.tokens) {
                        out.append(id: id, token: token, offsets: 0..<0, typeID: typeID)
                    }
                case let .sequence(isFirst, typeID):
                    guard var sequence = isFirst ? first : second else { continue }
                    sequence.typeIDs = Array(repeating: typeID, count: sequence.count)
                    out.append(sequence)
                }
            }
            return out
        case let .roberta(sep, cls, trimOffsets, addPrefixSpace):
            // RoBERTa types every token 0, the second sequence too.
            var a = first, b = second
            if trimOffsets {
                PostProcessor.trim(&a, addPrefixSpace: addPrefixSpace)
                if var pair = b {
                    PostProcessor.trim(&pair, addPrefixSpace: addPrefixSpace)
                    b = pair
                }
            }
            guard addSpecialTokens else {
                if let b { a.append(b) }
                return a
            }
            var out = Encoding()
            out.append(id: cls.id, token: cls.token, offsets: 0..<0)
            out.append(a)
            out.append(id: sep.id, token: sep.token, offsets: 0..<0)
            if let b {
                out.append(id: sep.id, token: sep.token, offsets: 0..<0)
                out.append(b)
                out.append(id: sep.id, token: sep.token, offsets: 0..<0)
            }
            return out
        }
    }

    /// HF's default for a pair with no post-processor (or a ByteLevel one): A then B, B typed 1.
    static func joined(_ first: Encoding, _ second: Encoding) -> Encoding {
        var a = first, b = second
        b.typeIDs = Array(repeating: 1, count: b.count)
        a.append(b)
        return a
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
