import FlowCore
import FlowDiffusion

func drawVisualizer(_ grid: inout CellGrid, _ state: AppState) {
    let layout = VisualizerLayout(width: grid.width, height: grid.height)
    drawStatusLine(&grid, state)
    let divider = state.theme.style(.border)
    grid.fill(x: layout.inspector.x - 1, y: layout.canvas.y, width: 1, height: layout.canvas.height, glyph: "│", style: divider)
    if state.heatmap {
        drawHeatmap(&grid, state, in: layout.canvas)
    } else {
        drawCanvas(&grid, state, in: layout.canvas)
    }
    drawInspector(&grid, state, in: layout.inspector)
    drawTimeline(&grid, state, in: layout.timeline)
}

/// Style of one generated or prompt token: confidence colour plus its change's attribute. Before the first
/// forward pass nothing has been scored, so visible text (a repair canvas) reads plain, not "unsure" red.
func tokenStyle(_ frame: StepFrame, position: Int, state: AppState) -> CellStyle {
    if frame.forwardPasses == 0, frame.changes.isEmpty, frame.tokens[position] != state.maskToken {
        return state.theme.style(.prompt)
    }
    return state.theme.tokenStyle(frame, position: position, mask: state.maskToken, measure: state.colorMeasure)
}

extension Theme {
    /// How a token of `frame` is drawn: masks dim, prompt plain, generated tokens on the confidence ramp by
    /// `measure`, plus the attribute of this step's change there. Shared by the canvas and `flowlm generate`.
    public func tokenStyle(_ frame: StepFrame, position: Int, mask: TokenID, measure: ColorMeasure) -> CellStyle {
        let token = frame.tokens[position]
        var style: CellStyle
        if token == mask {
            style = self.style(.mask)
        } else if !frame.isEditable(position) {
            style = self.style(.prompt)
        } else {
            style = confidence(colorValue(frame, position: position, measure: measure))
        }
        if let mark = frame.change(at: position)?.kind { style = style.adding(mark.attributes) }
        return style
    }
}

func drawCanvas(_ grid: inout CellGrid, _ state: AppState, in rect: Rect) {
    let theme = state.theme
    guard let frame = state.currentFrame else {
        grid.panelTitle("Canvas", in: rect, theme: theme, focused: state.focus == .canvas)
        let message = state.busy.contains(.main) ? "starting: running the first forward pass…"
            : (state.hasModel ? "press e to write a prompt" : "no model: press o to open a trace")
        grid.write(message, x: rect.x + 1, y: rect.y + 2, style: theme.style(.muted), clipRight: rect.right)
        return
    }
    let masks = frame.maskCount(mask: state.maskToken)
    let marks = state.repairMarks(of: frame)
    let layout = CanvasLayout(frame: frame, pieces: state.pieces, mask: state.maskToken, pinned: state.pinned,
                              marks: marks, width: max(1, rect.width - 2))
    let rows = rect.height - 1
    let top = layout.scrollTop(cursor: state.cursor, rows: rows)
    let lines = layout.lineCount > rows ? "\(top + 1)-\(min(layout.lineCount, top + rows))/\(layout.lineCount)" : nil
    // Repair mode puts its counts where the eye already is (masks show as blocks, so they need no count).
    let title = state.repair?.summary(in: frame) ?? "Canvas · \(frame.tokens.count) tokens · \(masks) masked"
    grid.panelTitle(title, in: rect, theme: theme, focused: state.focus == .canvas, label: lines)
    for piece in layout.placed where piece.line >= top && piece.line < top + rows {
        var style = tokenStyle(frame, position: piece.position, state: state)
        if piece.position == state.cursor { style = theme.style(.cursor).adding(style.attributes.subtracting(.reverse)) }
        let y = rect.y + 1 + piece.line - top
        var x = rect.x + 1 + piece.column
        let mark = marks[piece.position]
        for character in piece.text {
            var cellStyle = style
            if character == Markers.pinned { cellStyle = theme.style(.pinned) }
            if character == mark { cellStyle = theme.style(mark == Markers.restored ? .restored : .damaged) }
            x += grid.put(character, x: x, y: y, style: cellStyle, clipRight: rect.right - 1)
        }
    }
}

func drawInspector(_ grid: inout CellGrid, _ state: AppState, in rect: Rect) {
    let theme = state.theme
    grid.panelTitle("Inspector", in: rect, theme: theme, focused: state.focus == .inspector)
    guard let frame = state.currentFrame, state.cursor < frame.tokens.count else { return }
    let p = state.cursor
    var y = rect.y + 1
    let right = rect.right
    func line(_ text: String, _ style: CellStyle = theme.style(.text)) {
        guard y < rect.bottom else { return }
        grid.write(text, x: rect.x + 1, y: y, style: style, clipRight: right)
        y += 1
    }
    let role = p < frame.roles.count ? frame.roles[p].rawValue : "?"
    let kind = state.pinned.contains(p) ? "\(role), pinned" : role
    line("pos \(p) · \(kind)", theme.style(.muted))
    line("token  \(displayName(frame.tokens[p], state))", tokenStyle(frame, position: p, state: state))
    let pc = p < frame.pCurrent.count ? format(Double(frame.pCurrent[p])) : "–"
    let cf = p < frame.confidence.count ? format(Double(frame.confidence[p])) : "–"
    line("p(current) \(pc)  conf \(cf)")
    let layout = InspectorLayout(state, frame: frame, in: rect)
    for (text, role) in layout.repairLines { line(text, theme.style(role)) }
    if let change = frame.change(at: p) {
        line("\(change.kind.rawValue): \(displayName(change.from, state))→\(displayName(change.to, state))",
             theme.style(.accent))
        for part in layout.reasonLines { line("  " + part, theme.style(.muted)) }
    }
    y += 1
    let candidates = frame.candidates(at: p)
    line("Top-k" + (state.focus == .inspector ? " (↑/↓ choose, f force)" : ""), theme.style(.title))
    let barWidth = max(4, rect.width - 22)
    // On the rows a click chooses from, whatever came above them.
    for (i, (rowY, candidate)) in zip(layout.candidateRows, candidates).enumerated() {
        let chosen = state.focus == .inspector && i == state.candidateIndex
        let name = String(displayName(candidate.id, state).prefix(12))
        let pad = String(repeating: " ", count: max(0, 12 - DisplayWidth.of(name)))
        let bar = String(repeating: "█", count: Int((Double(candidate.probability) * Double(barWidth)).rounded()))
        let row = "\(chosen ? "▸" : " ")\(name)\(pad) \(format(Double(candidate.probability))) "
        let x = grid.write(row, x: rect.x + 1, y: rowY, style: chosen ? theme.style(.cursor) : theme.style(.text),
                           clipRight: right)
        grid.write(bar, x: x, y: rowY, style: theme.confidence(Double(candidate.probability)), clipRight: right)
    }
    y = max(y, layout.candidateRows.upperBound)
    if candidates.isEmpty { line("  (not recorded)", theme.style(.muted)) }
    y += 1
    guard y < rect.bottom else { return }
    line("History", theme.style(.title))
    let rows = rect.bottom - y
    let chain = historyChain(position: p, state: state, atLeast: rows * max(1, rect.width - 2))
    let wrapped = TokenWrap.wrap(chain.map { DisplayPiece(text: $0) }, width: max(1, rect.width - 2))
    let firstLine = max(0, wrapped.lines - rows)
    for piece in wrapped.placed where piece.line >= firstLine {
        grid.write(piece.text, x: rect.x + 1 + piece.column, y: y + piece.line - firstLine, style: theme.style(.text), clipRight: right)
    }
}

/// Where the inspector's rows go: the wrapped why of a change and the rows of the top-k candidates, which a
/// click chooses from (Reduce+Mouse).
struct InspectorLayout {
    /// Repair mode: what the position was and what its changes did (RepairInspector).
    let repairLines: [(text: String, role: StyleRole)]
    let reasonLines: [String]
    let candidateRows: Range<Int>

    init(_ state: AppState, frame: StepFrame, in rect: Rect) {
        let p = state.cursor
        var y = rect.y + 1 + 3  // position, token, p(current)
        repairLines = repairInspectorLines(state, frame: frame, width: rect.width)
        y += repairLines.count
        if let change = frame.change(at: p) {
            // The why, wrapped: on a narrow inspector it is the part most worth reading whole.
            let reason = "\(format(Double(change.pFrom)))→\(format(Double(change.pTo))) \(change.reason.text)"
            reasonLines = wrapWords(reason, width: max(1, rect.width - 3))
            y += 1 + reasonLines.count
        } else {
            reasonLines = []
        }
        y += 2  // a blank row, "Top-k"
        // Up to 8, leaving four rows for the history, but always the most likely one.
        let count = min(frame.candidates(at: p).count, max(1, min(8, (rect.bottom - y) - 4)))
        candidateRows = min(y, rect.bottom)..<min(rect.bottom, y + count)
    }
}

/// The value the ramp colours by: p(current), or the step's confidence measure (a negative margin,
/// a token the model would replace, sits at the red end).
func colorValue(_ frame: StepFrame, position: Int, measure: ColorMeasure) -> Double {
    let values = measure == .pCurrent ? frame.pCurrent : frame.confidence
    return position < values.count ? max(0, Double(values[position])) : 0
}

/// A token as the inspector names it: MASK, or its visible piece.
func displayName(_ token: TokenID, _ state: AppState) -> String {
    token == state.maskToken ? "MASK" : TokenWrap.visible(state.pieces(token)).text.trimmingSpaces()
}

/// `MASK → mind 0.22 → mind 0.41 → heart 0.63`: the position at each step up to the one viewed,
/// repeated only when its token or rounded p(current) moved. The inspector shows the newest end, so the
/// chain is built from the viewed step backwards and stops once it holds `atLeast` characters: a render
/// costs what fits on screen, not what a long history holds.
func historyChain(position: Int, state: AppState, atLeast characters: Int = .max) -> [String] {
    guard let history = state.history else { return [] }
    var entries: [String] = []
    var length = 0, truncated = false
    for frame in history.frames.prefix(history.viewIndex + 1).reversed() where position < frame.tokens.count {
        let token = frame.tokens[position]
        let entry = token == state.maskToken ? "MASK"
            : "\(displayName(token, state)) \(position < frame.pCurrent.count ? format(Double(frame.pCurrent[position])) : "")"
        if entry == entries.last { continue }
        if length >= characters { truncated = true; break }
        entries.append(entry)
        length += entry.count + 3
    }
    // The oldest entry shown carries an arrow when older ones were left out, as it would in the whole chain.
    return entries.reversed().enumerated().map { i, entry in i == 0 && !truncated ? entry : " → " + entry }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text.isEmpty ? self : String(text)
    }
}
