import Testing
@testable import FlowTUI

@Suite struct TokenWrapTests {
    @Test func whitespaceTokensAreVisible() {
        #expect(TokenWrap.visible(" ").text == "·")
        #expect(TokenWrap.visible("\t").text == "→")
        #expect(TokenWrap.visible("\n") == DisplayPiece(text: "⏎", breaksLine: true))
        #expect(TokenWrap.visible(" mind").text == " mind")  // a word's leading space stays a space
        #expect(TokenWrap.visible("").text == "∅")
    }

    @Test func wrapsOnlyBetweenPieces() {
        let pieces = ["the", " mind", " is", " a", " river"].map { DisplayPiece(text: $0) }
        let (placed, lines) = TokenWrap.wrap(pieces, width: 10)
        #expect(lines == 3)
        #expect(placed.map(\.line) == [0, 0, 1, 1, 2])
        #expect(placed[2].column == 0 && placed[3].column == 3)
    }

    /// "breaks" + "?" is one word: when the "?" would overflow, the whole word moves to the next line.
    /// A word wider than the line still breaks between its pieces.
    @Test func piecesGluedIntoAWordWrapTogether() {
        let pieces = [DisplayPiece(text: "window"), DisplayPiece(text: " breaks"), DisplayPiece(text: "?", gluedToPrevious: true)]
        let (placed, lines) = TokenWrap.wrap(pieces, width: 13)
        #expect(lines == 2)
        #expect(placed.map(\.line) == [0, 1, 1] && placed[2].column == 7)
        let long = ["ab", "cd", "ef", "gh"].enumerated().map { DisplayPiece(text: $1, gluedToPrevious: $0 > 0) }
        #expect(TokenWrap.wrap([DisplayPiece(text: "x ")] + long, width: 5).placed.map(\.line) == [0, 0, 1, 1, 2])
        // A line break ends a word: the piece after it is not glued across.
        let afterBreak = [DisplayPiece(text: "ab", breaksLine: true), DisplayPiece(text: "cd", gluedToPrevious: true)]
        #expect(TokenWrap.wrap(afterBreak, width: 4).placed.map(\.line) == [0, 1])
    }

    @Test func newlineEndsTheLineAndWidePiecesCountTwo() {
        let pieces = [DisplayPiece(text: "ab"), DisplayPiece(text: "⏎", breaksLine: true), DisplayPiece(text: "世界")]
        let (placed, lines) = TokenWrap.wrap(pieces, width: 4)
        #expect(lines == 2)
        #expect(placed[2].line == 1 && placed[2].width == 4)
    }

    @Test func pieceWiderThanALineIsSplitBetweenGraphemes() {
        let (placed, lines) = TokenWrap.wrap([DisplayPiece(text: "abcdefg")], width: 3)
        #expect(lines == 3)
        #expect(placed.map(\.text) == ["abc", "def", "g"])
        let (wide, _) = TokenWrap.wrap([DisplayPiece(text: "世界世")], width: 3)
        #expect(wide.map(\.text) == ["世", "界", "世"])
    }
}
