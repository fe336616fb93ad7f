import FlowCore

/// A token from `added_tokens`, matched in the text before normalization (or after it, when `normalized`).
public struct AddedToken: Sendable, Equatable {
    public var id: TokenID
    public var content: String
    public var special: Bool
    public var singleWord: Bool
    public var lstrip: Bool
    public var rstrip: Bool
    public var normalized: Bool

    public init(id: TokenID, content: String, special: Bool, singleWord: Bool = false, lstrip: Bool = false,
                rstrip: Bool = false, normalized: Bool = false) {
        self.id = id; self.content = content; self.special = special; self.singleWord = singleWord
        self.lstrip = lstrip; self.rstrip = rstrip; self.normalized = normalized
    }
}

/// One part of a text after added-token extraction: an added token (with its scalar range) or plain text.
enum AddedSplit {
    case token(id: TokenID, range: Range<Int>)
    case text(Range<Int>)
}

/// HF's AddedVocabulary matching: leftmost-longest, non-overlapping; a match failing `single_word` is
/// dropped (its span is not searched again); `lstrip`/`rstrip` swallow neighbouring whitespace.
struct AddedTokenMatcher: Sendable {
    private struct Pattern: Sendable {
        var scalars: [Unicode.Scalar]
        var token: AddedToken
    }

    /// Candidates by first scalar, longest first.
    private let byFirstScalar: [Unicode.Scalar: [Pattern]]

    init(tokens: [AddedToken], normalize: ((String) -> String)?) {
        var table: [Unicode.Scalar: [Pattern]] = [:]
        for token in tokens {
            let text = normalize.map { $0(token.content) } ?? token.content
            let scalars = Array(text.unicodeScalars)
            guard let first = scalars.first else { continue }
            table[first, default: []].append(Pattern(scalars: scalars, token: token))
        }
        byFirstScalar = table.mapValues { patterns in
            // Stable: equal lengths keep file order, as the automaton's pattern order does.
            patterns.enumerated().sorted { a, b in
                a.element.scalars.count != b.element.scalars.count
                    ? a.element.scalars.count > b.element.scalars.count : a.offset < b.offset
            }.map(\.element)
        }
    }

    var isEmpty: Bool { byFirstScalar.isEmpty }

    func split(_ s: [Unicode.Scalar]) -> [AddedSplit] {
        let n = s.count
        guard !byFirstScalar.isEmpty, n > 0 else { return [.text(0..<n)] }
        var out: [AddedSplit] = []
        var consumed = 0  // end of the previous kept split
        var i = 0
        while i < n {
            guard let candidates = byFirstScalar[s[i]],
                  let pattern = candidates.first(where: { matches($0.scalars, in: s, at: i) }) else {
                i += 1
                continue
            }
            var start = i
            var stop = i + pattern.scalars.count
            i = stop
            let token = pattern.token
            if token.singleWord {
                let wordBefore = start > 0 && AddedTokenMatcher.isWordScalar(s[start - 1])
                let wordAfter = stop < n && AddedTokenMatcher.isWordScalar(s[stop])
                if wordBefore || wordAfter { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0 && s[newStart - 1].properties.isWhitespace { newStart -= 1 }
                start = max(newStart, consumed)
            }
            if token.rstrip {
                while stop < n && s[stop].properties.isWhitespace { stop += 1 }
            }
            if consumed < start { out.append(.text(consumed..<start)) }
            out.append(.token(id: token.id, range: start..<stop))
            consumed = stop
        }
        if consumed < n { out.append(.text(consumed..<n)) }
        return out
    }

    private func matches(_ pattern: [Unicode.Scalar], in s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i + pattern.count <= s.count else { return false }
        for k in 0..<pattern.count where s[i + k] != pattern[k] { return false }
        return true
    }

    /// Rust regex's `\w`: alphabetic, marks, decimal digits, connector punctuation, join controls.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let props = scalar.properties
        if props.isAlphabetic || props.isJoinControl { return true }
        switch props.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .connectorPunctuation: return true
        default: return false
        }
    }
}
