/// The decoders FlowLM supports (HF's `decoder` field); with none, HF joins the tokens with spaces.
enum Decoder: Sendable, Equatable {
    /// Tokens are byte-level spellings: map each character back to its byte.
    case byteLevel
    /// Tokens after the first get a space unless they continue a word (then the prefix goes), and
    /// `cleanup` takes spaces off before punctuation and contractions.
    case wordPiece(prefix: String, cleanup: Bool)

    func decode(_ tokens: [String]) -> String {
        switch self {
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens { bytes += ByteLevel.bytes(forToken: token) }
            return String(decoding: bytes, as: UTF8.self)
        case let .wordPiece(prefix, cleanup):
            var bytes: [UInt8] = []
            for (i, token) in tokens.enumerated() {
                var piece = i == 0 ? Array(token.utf8) : WordPieceDecoding.joined(token, prefix: prefix)
                // HF cleans each token separately (so only patterns within one token, its space included).
                if cleanup { piece = WordPieceDecoding.cleanup(piece) }
                bytes += piece
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

enum WordPieceDecoding {
    /// A token after the first: the prefix dropped from a continuation, a space before a word start.
    static func joined(_ token: String, prefix: String) -> [UInt8] {
        let bytes = Array(token.utf8), prefixBytes = Array(prefix.utf8)
        if bytes.starts(with: prefixBytes) { return Array(bytes.dropFirst(prefixBytes.count)) }
        return [0x20] + bytes
    }

    /// HF's `cleanup`, in its order, as byte replacements (Rust's `str::replace`, no Unicode equivalence).
    static let replacements: [([UInt8], [UInt8])] = [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    static func cleanup(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(0x20) else { return bytes }
        var text = bytes
        for (pattern, replacement) in replacements { text = replace(pattern, with: replacement, in: text) }
        return text
    }

    /// Every non-overlapping occurrence, left to right.
    static func replace(_ pattern: [UInt8], with replacement: [UInt8], in text: [UInt8]) -> [UInt8] {
        guard text.count >= pattern.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if i + pattern.count <= text.count && text[i] == pattern[0]
                && text[i..<i + pattern.count].elementsEqual(pattern) {
                out += replacement
                i += pattern.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }
}
