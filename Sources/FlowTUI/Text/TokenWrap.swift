/// A token piece as drawn: whitespace made visible, whether a line break follows it, and whether it
/// continues the previous piece's word (no space between them), so a line should not break before it.
public struct DisplayPiece: Sendable, Hashable {
    public var text: String
    public var breaksLine: Bool
    public var gluedToPrevious: Bool
    public init(text: String, breaksLine: Bool = false, gluedToPrevious: Bool = false) {
        self.text = text; self.breaksLine = breaksLine; self.gluedToPrevious = gluedToPrevious
    }
}

/// Where one token landed after wrapping.
public struct PlacedPiece: Sendable, Hashable {
    public var position: Int
    public var line: Int
    public var column: Int
    public var text: String
    public var width: Int
}

public enum TokenWrap {
    /// How a decoded piece is shown: a piece made only of whitespace shows `·` for space, `→` for tab and
    /// `⏎` for newline (so blank tokens are visible and selectable); a newline anywhere ends the line.
    public static func visible(_ raw: String) -> DisplayPiece {
        if raw.isEmpty { return DisplayPiece(text: "∅") }
        let onlyWhitespace = raw.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        var text = ""
        var breaks = false
        for character in raw {
            switch character {
            case "\n", "\r\n", "\r":
                text.append("⏎"); breaks = true
            case "\t": text.append("→")
            case " ": text.append(onlyWhitespace ? "·" : " ")
            default: text.append(character)
            }
        }
        return DisplayPiece(text: text, breaksLine: breaks)
    }

    /// Lays pieces out left to right in `width` columns, breaking only between pieces and, where a line
    /// can hold it, not inside a word (pieces glued to the one before: "breaks" + "?"); a piece wider
    /// than a whole line is split between graphemes. Returns each piece's place and the line count.
    public static func wrap(_ pieces: [DisplayPiece], width: Int) -> (placed: [PlacedPiece], lines: Int) {
        guard width > 0 else { return ([], 0) }
        let widths = pieces.map { DisplayWidth.of($0.text) }
        // The width of the word each piece starts: itself plus the glued pieces after it.
        var wordWidth = widths
        for i in stride(from: pieces.count - 2, through: 0, by: -1)
        where pieces[i + 1].gluedToPrevious && !pieces[i].breaksLine {
            wordWidth[i] += wordWidth[i + 1]
        }
        var placed: [PlacedPiece] = []
        placed.reserveCapacity(pieces.count)
        var line = 0, column = 0
        for (position, piece) in pieces.enumerated() {
            let pieceWidth = widths[position]
            let glued = position > 0 && piece.gluedToPrevious && !pieces[position - 1].breaksLine
            // A word starts on a new line if it fits on one; inside a word that does not, break anywhere.
            let needed = !glued && wordWidth[position] <= width ? wordWidth[position] : pieceWidth
            if column > 0, column + needed > width {
                line += 1; column = 0
            }
            if pieceWidth <= width {
                placed.append(PlacedPiece(position: position, line: line, column: column, text: piece.text, width: pieceWidth))
                column += pieceWidth
            } else {
                for chunk in split(piece.text, width: width) {
                    if column > 0 { line += 1; column = 0 }
                    placed.append(PlacedPiece(position: position, line: line, column: 0, text: chunk.text, width: chunk.width))
                    column = chunk.width
                }
            }
            if piece.breaksLine { line += 1; column = 0 }
        }
        return (placed, column == 0 && line > 0 ? line : line + 1)
    }

    /// Splits text into runs no wider than `width` columns, between graphemes.
    static func split(_ text: String, width: Int) -> [(text: String, width: Int)] {
        var chunks: [(text: String, width: Int)] = []
        var current = "", currentWidth = 0
        for character in text {
            let w = max(1, DisplayWidth.of(character))
            if currentWidth + w > width, !current.isEmpty {
                chunks.append((current, currentWidth)); current = ""; currentWidth = 0
            }
            current.append(character); currentWidth += w
        }
        if !current.isEmpty { chunks.append((current, currentWidth)) }
        return chunks
    }
}
