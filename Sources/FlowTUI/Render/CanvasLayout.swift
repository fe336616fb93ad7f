import FlowCore
import FlowDiffusion

/// Marker glyphs drawn after a changed or pinned token; each change style also has an attribute
/// (see `ChangeKind.attributes`) so the two together read without colour.
public enum Markers {
    public static let edit: Character = "✎"
    public static let remask: Character = "↺"
    public static let freeze: Character = "∎"
    public static let force: Character = "⚑"
    public static let pinned: Character = "⌖"
    /// Repair mode, after the token: still damaged (the crux, textual critics' mark of a corrupt reading),
    /// restored to the original, a correct token broken.
    public static let damaged: Character = "†"
    public static let restored: Character = "✓"
    public static let broken: Character = "✗"
    public static let maskEven = "▒▒"
    public static let maskOdd = "░░"

    public static func glyph(for mark: ChangeKind) -> Character? {
        switch mark {
        case .commit: return nil
        case .edit: return edit
        case .remask: return remask
        case .freeze: return freeze
        case .force: return force
        }
    }
}

extension ChangeKind {
    /// commit underlined, edit reversed, remask dimmed, freeze bold, a user force reversed and bold.
    public var attributes: TextAttributes {
        switch self {
        case .commit: return .underline
        case .edit: return .reverse
        case .remask: return .dim
        case .freeze: return .bold
        case .force: return [.reverse, .bold]
        }
    }
}

/// The canvas of one frame wrapped to a width: the single layout used for drawing and for moving
/// the cursor up and down, so both agree.
public struct CanvasLayout {
    public let placed: [PlacedPiece]
    public let lineCount: Int
    /// Index into `placed` of the first piece of each token position.
    public let firstPiece: [Int]

    /// `marks`: a repair marker glyph per position (`AppState.repairMarks`), drawn after the change glyph.
    public init(frame: StepFrame, pieces: PieceLookup, mask: TokenID, pinned: Set<Int>, marks: [Int: Character] = [:],
                width: Int) {
        var display: [DisplayPiece] = []
        display.reserveCapacity(frame.tokens.count)
        // The previous token's text while it was text (not a mask or a special), for word-aware wrapping.
        var previousText: String?
        for (position, token) in frame.tokens.enumerated() {
            // [CLS]/[SEP] frame the model's input; showing them would only add noise to the text.
            if position < frame.roles.count, frame.roles[position] == .special {
                display.append(DisplayPiece(text: ""))
                previousText = nil
                continue
            }
            let raw = token == mask ? nil : pieces(token)
            var piece = raw.map(TokenWrap.visible) ?? DisplayPiece(text: position % 2 == 0 ? Markers.maskEven : Markers.maskOdd)
            if let raw, let previous = previousText, let first = raw.first, let last = previous.last {
                piece.gluedToPrevious = !first.isWhitespace && !last.isWhitespace
            }
            previousText = raw
            if let mark = frame.change(at: position)?.kind, let glyph = Markers.glyph(for: mark) {
                piece.text.append(glyph)
            }
            if let mark = marks[position] { piece.text.append(mark) }
            if pinned.contains(position) { piece.text.append(Markers.pinned) }
            display.append(piece)
        }
        let wrapped = TokenWrap.wrap(display, width: width)
        placed = wrapped.placed
        lineCount = wrapped.lines
        var first = Array(repeating: -1, count: frame.tokens.count)
        for (i, piece) in placed.enumerated() where first[piece.position] < 0 { first[piece.position] = i }
        firstPiece = first
    }

    public func line(of position: Int) -> Int {
        guard position >= 0, position < firstPiece.count, firstPiece[position] >= 0 else { return 0 }
        return placed[firstPiece[position]].line
    }

    /// The token whose piece covers `column` (in cells) of `line`, if any: where a click lands.
    public func position(line: Int, column: Int) -> Int? {
        placed.first { $0.line == line && column >= $0.column && column < $0.column + DisplayWidth.of($0.text) }?.position
    }

    /// The first line to show so the cursor's line stays visible, centred when the canvas scrolls.
    public func scrollTop(cursor: Int, rows: Int) -> Int {
        guard lineCount > rows, rows > 0 else { return 0 }
        return min(max(0, line(of: cursor) - rows / 2), lineCount - rows)
    }

    /// The token on the next line up or down nearest the cursor's column.
    static func verticalNeighbour(of cursor: Int, direction: Int, state: AppState) -> Int? {
        guard let frame = state.currentFrame else { return nil }
        let layout = state.canvasLayout(of: frame)
        guard cursor < layout.firstPiece.count, layout.firstPiece[cursor] >= 0 else { return nil }
        let here = layout.placed[layout.firstPiece[cursor]]
        let target = here.line + direction
        guard target >= 0, target < layout.lineCount else { return nil }
        let candidates = layout.placed.filter { $0.line == target }
        return candidates.min { abs($0.column - here.column) < abs($1.column - here.column) }?.position
    }
}

extension AppState {
    /// The visualizer canvas's layout of `frame` at this terminal size, as `drawCanvas` lays it out.
    func canvasLayout(of frame: StepFrame) -> CanvasLayout {
        CanvasLayout(frame: frame, pieces: pieces, mask: maskToken, pinned: pinned, marks: repairMarks(of: frame),
                     width: layout.canvasWidth)
    }

    /// Repair mode's marker after each damaged or broken position of `frame` (none outside repair mode).
    func repairMarks(of frame: StepFrame) -> [Int: Character] {
        guard screen == .visualizer, let statuses = repair?.statuses(in: frame) else { return [:] }
        var marks: [Int: Character] = [:]
        for (position, status) in statuses.enumerated() {
            switch status {
            case .damaged: marks[position] = Markers.damaged
            case .restored: marks[position] = Markers.restored
            case .broken: marks[position] = Markers.broken
            case .intact: break
            }
        }
        return marks
    }
}
