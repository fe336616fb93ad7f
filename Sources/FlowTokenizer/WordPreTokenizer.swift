/// What FlowLM runs before WordPiece: BertPreTokenizer, Whitespace, WhitespaceSplit or Split, alone or in
/// a Sequence (each step splits the pieces of the one before); none leaves the text one word.
struct WordPreTokenizer: Sendable {
    enum Step: Sendable {
        /// Whitespace separates (and is dropped); each punctuation scalar is a word of its own.
        case bert
        /// `\w+|[^\w\s]+`: runs of word scalars and runs of other non-space scalars; whitespace dropped.
        case whitespace
        /// Whitespace separates and is dropped.
        case whitespaceSplit
        case split(SplitPreTokenizer)
    }

    var steps: [Step]

    /// Pre-tokens as ranges of normalized pieces.
    func apply(_ text: NormalizedText, emit: (NormalizedText, Range<Int>) -> Void) {
        guard let last = steps.last else {
            if !text.isEmpty { emit(text, 0..<text.count) }
            return
        }
        // Every step but the last cuts pieces out; the last one's ranges go out as they are.
        var pieces = [text]
        for step in steps.dropLast() {
            pieces = pieces.flatMap { piece in step.ranges(piece).map { piece.slice($0) } }
        }
        for piece in pieces {
            for range in last.ranges(piece) where !range.isEmpty { emit(piece, range) }
        }
    }
}

extension WordPreTokenizer.Step {
    func ranges(_ text: NormalizedText) -> [Range<Int>] {
        switch self {
        case .bert: return Self.bertRanges(text.scalars)
        case .whitespace: return Self.whitespaceRanges(text.scalars)
        case .whitespaceSplit: return Self.whitespaceSplitRanges(text.scalars)
        case let .split(split): return split.split(text)
        }
    }

    static func bertRanges(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var wordStart: Int?
        for k in s.indices {
            let space = HFUnicode.isWhitespace(s[k])
            guard space || HFUnicode.isBertPunctuation(s[k]) else {
                if wordStart == nil { wordStart = k }
                continue
            }
            if let start = wordStart { out.append(start..<k) }
            wordStart = nil
            if !space { out.append(k..<k + 1) }
        }
        if let start = wordStart { out.append(start..<s.count) }
        return out
    }

    static func whitespaceRanges(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        enum Kind { case word, other, space }
        func kind(_ scalar: Unicode.Scalar) -> Kind {
            if HFUnicode.isWhitespaceWord(scalar) { return .word }
            return HFUnicode.isWhitespace(scalar) ? .space : .other
        }
        var out: [Range<Int>] = []
        var k = 0
        while k < s.count {
            let current = kind(s[k])
            var end = k + 1
            while end < s.count && kind(s[end]) == current { end += 1 }
            if current != .space { out.append(k..<end) }
            k = end
        }
        return out
    }

    static func whitespaceSplitRanges(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var wordStart: Int?
        for k in s.indices {
            if HFUnicode.isWhitespace(s[k]) {
                if let start = wordStart { out.append(start..<k) }
                wordStart = nil
            } else if wordStart == nil {
                wordStart = k
            }
        }
        if let start = wordStart { out.append(start..<s.count) }
        return out
    }
}
