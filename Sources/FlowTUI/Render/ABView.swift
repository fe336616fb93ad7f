/// Two samplers side by side on the same prompt and seed, stepped together.
func drawAB(_ grid: inout CellGrid, _ state: AppState) {
    drawStatusLine(&grid, state, extra: "A/B: \(state.abSamplers[0].name) vs \(state.abSamplers[1].name)")
    let theme = state.theme
    let half = grid.width / 2
    let top = 1, bottom = grid.height - 1
    grid.fill(x: half, y: top, width: 1, height: bottom - top, glyph: "│", style: theme.style(.border))
    for side in 0..<2 {
        let rect = Rect(x: side == 0 ? 0 : half + 1, y: top, width: side == 0 ? half : grid.width - half - 1,
                        height: bottom - top)
        let name = (side == 0 ? "A " : "B ") + state.abSamplers[side].name
        guard let history = state.abHistories[side] else {
            grid.panelTitle(name, in: rect, theme: theme)
            let lane: Lane = side == 0 ? .a : .b
            grid.write(state.busy.contains(lane) ? "starting…" : "press e for a prompt", x: rect.x + 1, y: rect.y + 2,
                       style: theme.style(.muted))
            continue
        }
        let edits = history.frames.prefix(history.viewIndex + 1).reduce(0) { $0 + $1.count(.edit) }
        let frame = history.current
        grid.panelTitle("\(name) · step \(frame.index) · fwd \(frame.forwardPasses) · edits \(edits)",
                        in: rect, theme: theme)
        var sideState = state
        sideState.history = history
        sideState.cursor = -1
        sideState.pinned = []
        let canvas = Rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height - 2)
        drawCanvasBody(&grid, sideState, frame: frame, in: canvas)
        let mean = frame.meanConfidence(mask: state.maskToken)
        let summary = "masks \(frame.maskCount(mask: state.maskToken)) · mean conf \(format(Double(mean)))"
        grid.write(summary, x: rect.x + 1, y: rect.bottom - 1, style: theme.confidence(Double(mean)), clipRight: rect.right)
    }
}

/// The canvas's tokens without its title (shared by the A/B view).
func drawCanvasBody(_ grid: inout CellGrid, _ state: AppState, frame: StepFrame, in rect: Rect) {
    let layout = CanvasLayout(frame: frame, pieces: state.pieces, mask: state.maskToken, pinned: state.pinned,
                              width: max(1, rect.width - 2))
    let rows = rect.height - 1
    let top = max(0, layout.lineCount - rows)
    for piece in layout.placed where piece.line >= top && piece.line < top + rows {
        grid.write(piece.text, x: rect.x + 1 + piece.column, y: rect.y + 1 + piece.line - top,
                   style: tokenStyle(frame, position: piece.position, state: state), clipRight: rect.right - 1)
    }
}
