/// A prompt as the user typed it, split into literal text and infill holes, so the composition root
/// tokenizes only the text segments and the canvas places MASK runs where the holes were.
public enum PromptSegment: Sendable, Hashable {
    case text(String)
    case holes(Int)
}

public enum PromptTemplate {
    /// Largest `{{N}}` accepted; a typo like `{{1000000}}` should fail, not allocate.
    public static let maximumHoleRun = 4096

    /// Splits `text` on `[MASK]` (one hole) and `{{N}}` (N holes). Adjacent holes merge into one run;
    /// `{{` not followed by digits and `}}` stays literal text.
    public static func parse(_ text: String) throws(DiffusionError) -> [PromptSegment] {
        var segments: [PromptSegment] = []
        var literal = Substring()
        var rest = Substring(text)
        func addHoles(_ n: Int) {
            if !literal.isEmpty { segments.append(.text(String(literal))); literal = "" }
            if case let .holes(previous)? = segments.last {
                segments[segments.count - 1] = .holes(previous + n)
            } else {
                segments.append(.holes(n))
            }
        }
        while let first = rest.first {
            if rest.hasPrefix("[MASK]") {
                addHoles(1)
                rest = rest.dropFirst(6)
                continue
            }
            if rest.hasPrefix("{{"), let close = rest.range(of: "}}") {
                let inner = rest[rest.index(rest.startIndex, offsetBy: 2)..<close.lowerBound]
                if !inner.isEmpty, inner.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    guard let n = Int(inner), n >= 1, n <= maximumHoleRun else {
                        throw .invalidPrompt("hole run {{\(inner)}} must be between 1 and \(maximumHoleRun)")
                    }
                    addHoles(n)
                    rest = rest[close.upperBound...]
                    continue
                }
            }
            literal.append(first)
            rest = rest.dropFirst()
        }
        if !literal.isEmpty { segments.append(.text(String(literal))) }
        return segments
    }
}
