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
