/// One screen cell. A wide grapheme occupies its cell plus a `continuation` cell to its right.
public struct Cell: Hashable, Sendable {
    public var glyph: Character
    public var style: CellStyle
    /// True for the right half of a wide grapheme: the terminal draws nothing there.
    public var isContinuation: Bool

    public init(glyph: Character = " ", style: CellStyle = .plain, isContinuation: Bool = false) {
        self.glyph = glyph; self.style = style; self.isContinuation = isContinuation
    }

    public static let blank = Cell()
}

/// A width×height screen as a value: every screen is rendered into one, tested as text, and copied
/// to the terminal by FlowTerminal. Every write clips to the grid, so callers never check bounds.
public struct CellGrid: Hashable, Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Writes one grapheme at (x, y) and returns its width in columns (0 when nothing was written).
    /// A wide grapheme that would straddle the right edge becomes a space, so the row stays aligned.
    @discardableResult
    public mutating func put(_ character: Character, x: Int, y: Int, style: CellStyle, clipRight: Int? = nil) -> Int {
        let limit = min(clipRight ?? width, width)
        guard y >= 0, y < height, x >= 0, x < limit else { return 0 }
        let shown = DisplayWidth.visible(character)
        let columns = DisplayWidth.of(shown)
        if columns == 0 {
            // A lone combining mark has no column of its own; show it on a dotted circle.
            return put(Character("\u{25CC}\(shown)"), x: x, y: y, style: style, clipRight: clipRight)
        }
        clearWideNeighbours(x: x, y: y)
        if columns == 2 {
            guard x + 1 < limit else {
                cells[y * width + x] = Cell(glyph: " ", style: style)
                return 1
            }
            clearWideNeighbours(x: x + 1, y: y)
            cells[y * width + x] = Cell(glyph: shown, style: style)
            cells[y * width + x + 1] = Cell(glyph: " ", style: style, isContinuation: true)
            return 2
        }
        cells[y * width + x] = Cell(glyph: shown, style: style)
        return 1
    }

    /// Writes text left to right from (x, y), clipped at `clipRight` (exclusive); returns the next x.
    @discardableResult
    public mutating func write(_ text: some StringProtocol, x: Int, y: Int, style: CellStyle = .plain,
                               clipRight: Int? = nil) -> Int {
        var column = x
        let limit = min(clipRight ?? width, width)
        for character in text {
            if column >= limit { break }
            if column < 0 { column += max(1, DisplayWidth.of(character)); continue }
            column += max(1, put(character, x: column, y: y, style: style, clipRight: limit))
        }
        return column
    }

    /// Fills a rectangle (clipped) with one glyph and style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, glyph: Character = " ",
                              style: CellStyle = .plain) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for column in x0..<x1 { cells[row * width + column] = Cell(glyph: glyph, style: style) }
        }
    }

    /// Changes the style of existing cells without touching their glyphs (cursor highlight, selection).
    public mutating func restyle(x: Int, y: Int, width w: Int, _ transform: (CellStyle) -> CellStyle) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<max(max(0, x), min(width, x + w)) {
            cells[y * width + column].style = transform(cells[y * width + column].style)
        }
    }

    /// Overwriting half of a wide grapheme would leave the other half orphaned: blank it.
    private mutating func clearWideNeighbours(x: Int, y: Int) {
        let index = y * width + x
        if cells[index].isContinuation, x > 0 {
            cells[index - 1] = Cell(glyph: " ", style: cells[index - 1].style)
        }
        if x + 1 < width, cells[index + 1].isContinuation {
            cells[index + 1] = Cell(glyph: " ", style: cells[index + 1].style)
        }
        cells[index].isContinuation = false
    }
}
