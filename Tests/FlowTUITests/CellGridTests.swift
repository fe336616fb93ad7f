import Testing
@testable import FlowTUI

@Suite struct CellGridTests {
    @Test func writesClipAtEveryEdge() {
        var grid = CellGrid(width: 5, height: 2)
        let end = grid.write("abcdefgh", x: 2, y: 0)
        #expect(end == 5)
        grid.write("zz", x: -1, y: 1)
        grid.write("never", x: 0, y: 7)
        grid.put("q", x: 9, y: 0, style: .plain)
        #expect(grid.textSnapshot() == "  abc\nz")
    }

    /// Values cut to fit end in `…`; paths keep their file names and start with `…`; text that fits is whole.
    @Test func truncatesAtEitherEnd() {
        var grid = CellGrid(width: 12, height: 3)
        grid.writeTruncated("synthetic:palindrome", x: 1, y: 0, style: .plain, clipRight: 11)
        grid.writeTruncatedStart("runs/experiment/世界", x: 1, y: 1, style: .plain, clipRight: 11)
        grid.writeTruncatedStart("runs/a", x: 1, y: 2, style: .plain, clipRight: 11)
        #expect(grid.textSnapshot() == " synthetic…\n …ment/世界\n runs/a")
    }

    @Test func wideGraphemeTakesTwoCellsAndNeverStraddlesTheEdge() {
        var grid = CellGrid(width: 5, height: 1)
        grid.write("a世界", x: 0, y: 0)
        #expect(grid.textSnapshot() == "a世界")
        #expect(grid[2, 0].isContinuation)
        var edge = CellGrid(width: 4, height: 1)
        edge.write("ab世", x: 1, y: 0)
        #expect(edge.textSnapshot() == " ab")  // the wide glyph would cross the edge: blanked
    }

    @Test func overwritingHalfAWideGlyphBlanksTheOtherHalf() {
        var grid = CellGrid(width: 4, height: 1)
        grid.write("世", x: 0, y: 0)
        grid.put("x", x: 1, y: 0, style: .plain)
        #expect(grid.textSnapshot() == " x")
        #expect(!grid[1, 0].isContinuation)
    }

    @Test func loneCombiningMarkGetsADottedCircle() {
        var grid = CellGrid(width: 3, height: 1)
        #expect(grid.put("\u{301}", x: 0, y: 0, style: .plain) == 1)
        #expect(grid.textSnapshot() == "\u{25CC}\u{301}")
    }

    @Test func styleMapNamesEachStyleOnce() {
        var grid = CellGrid(width: 4, height: 1)
        grid.write("ab", x: 0, y: 0, style: CellStyle(foreground: .palette(196), attributes: .bold))
        grid.write("c", x: 2, y: 0, style: CellStyle(attributes: .underline))
        #expect(grid.styleMap() == "aab.\n--\na: fg=196 bg=- bold\nb: fg=- bg=- underline")
    }
}
