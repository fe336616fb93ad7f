import Foundation

/// HF's `Split` pre-tokenizer: a regex (or literal) pattern and what to do with its matches.
struct SplitPreTokenizer: @unchecked Sendable {
    enum Behavior: String, CaseIterable {
        case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious"
        case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
    }

    /// NSRegularExpression is immutable and documented thread-safe for matching.
    let regex: NSRegularExpression
    let behavior: Behavior
    let invert: Bool

    func apply(_ text: NormalizedText) -> [NormalizedText] {
        split(text).map { text.slice($0) }
    }

    /// The ranges HF keeps: matches and gaps tiling the text, combined per behaviour, empty ones dropped.
    func split(_ text: NormalizedText) -> [Range<Int>] {
        guard !text.isEmpty else { return [] }
        let string = text.string
        var scalarAtUTF16 = [Int](repeating: 0, count: string.utf16.count + 1)
        var u = 0
        for (k, scalar) in text.scalars.enumerated() {
            let width = scalar.value > 0xFFFF ? 2 : 1
            for w in 0..<width { scalarAtUTF16[u + w] = k }
            u += width
        }
        scalarAtUTF16[u] = text.count
        var pieces: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for match in regex.matches(in: string, range: NSRange(location: 0, length: u)) {
            let start = scalarAtUTF16[match.range.location], end = scalarAtUTF16[match.range.location + match.range.length]
            if previous != start { pieces.append((previous..<start, false)) }
            pieces.append((start..<end, true))
            previous = end
        }
        if previous != text.count { pieces.append((previous..<text.count, false)) }
        if invert { pieces = pieces.map { ($0.range, !$0.isMatch) } }
        return combine(pieces).filter { !$0.isEmpty }
    }

    private func combine(_ pieces: [(range: Range<Int>, isMatch: Bool)]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var previousMatch = false
        switch behavior {
        case .isolated:
            return pieces.map(\.range)
        case .removed:
            return pieces.filter { !$0.isMatch }.map(\.range)
        case .mergedWithPrevious:
            for piece in pieces {
                if piece.isMatch && !previousMatch, let last = out.popLast() {
                    out.append(last.lowerBound..<piece.range.upperBound)
                } else {
                    out.append(piece.range)
                }
                previousMatch = piece.isMatch
            }
        case .mergedWithNext:
            for piece in pieces.reversed() {
                if piece.isMatch && !previousMatch, let last = out.popLast() {
                    out.append(piece.range.lowerBound..<last.upperBound)
                } else {
                    out.append(piece.range)
                }
                previousMatch = piece.isMatch
            }
            out.reverse()
        case .contiguous:
            for piece in pieces {
                if piece.isMatch == previousMatch, let last = out.popLast() {
                    out.append(last.lowerBound..<piece.range.upperBound)
                } else {
                    out.append(piece.range)
                }
                previousMatch = piece.isMatch
            }
        }
        return out
    }
}

/// What FlowLM runs before byte-level BPE: any `Split`s, then the `ByteLevel` step (prefix space, GPT-2 split).
struct ByteLevelPreTokenizer: Sendable {
    var splits: [SplitPreTokenizer]
    var addPrefixSpace: Bool
    var useRegex: Bool

    /// Pre-tokens as ranges of normalized pieces (each piece possibly with a space prepended).
    func apply(_ text: NormalizedText, emit: (NormalizedText, Range<Int>) -> Void) {
        var pieces = [text]
        for split in splits { pieces = pieces.flatMap { split.apply($0) } }
        for var piece in pieces {
            if addPrefixSpace && piece.scalars.first != " " { piece = piece.prependingSpace() }
            guard !piece.isEmpty else { continue }
            if useRegex {
                piece.scalars.withUnsafeBufferPointer { buffer in
                    GPT2Splitter.split(buffer) { emit(piece, $0) }
                }
            } else {
                emit(piece, 0..<piece.count)
            }
        }
    }
}
