import FlowDiffusion
/// Sparkline glyphs from low to high; zero is drawn as a blank so "nothing happened" stands out.
let sparkGlyphs: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

func sparkGlyph(_ value: Double, max: Double) -> Character {
    guard value > 0, max > 0 else { return " " }
    let level = Int((value / max * Double(sparkGlyphs.count - 1)).rounded())
    return sparkGlyphs[Swift.min(sparkGlyphs.count - 1, Swift.max(0, level))]
}

/// Which steps the timeline shows, one column each after the labels: a window that ends at the viewed step.
struct TimelineWindow {
    static let labelWidth = 9
    let steps: Range<Int>

    init(_ history: History, width: Int) {
        let columns = max(1, width - TimelineWindow.labelWidth - 8)
        let end = max(history.viewIndex + 1, min(history.frames.count, columns))
        steps = max(0, end - columns)..<min(end, history.frames.count)
    }

    /// The step drawn in the timeline's column `x` (relative to the panel), if any.
    func step(atColumn x: Int) -> Int? {
        let index = steps.lowerBound + x - TimelineWindow.labelWidth
        return steps.contains(index) ? index : nil
    }
}

/// Per-step commits, edits, remasks and mean confidence, one sparkline row each, over a window of
/// steps that ends at the viewed step; the viewed step's column is highlighted.
func drawTimeline(_ grid: inout CellGrid, _ state: AppState, in rect: Rect) {
    let theme = state.theme
    grid.panelTitle("Timeline", in: rect, theme: theme, focused: state.focus == .timeline)
    if let status = state.status {
        let x = max(rect.x + 12, rect.right - DisplayWidth.of(status) - 2)
        grid.write(" \(status) ", x: x - 1, y: rect.y, style: theme.style(state.statusIsError ? .error : .accent),
                   clipRight: rect.right)
    }
    guard let history = state.history else { return }
    let labelWidth = TimelineWindow.labelWidth
    let steps = TimelineWindow(history, width: rect.width).steps, start = steps.lowerBound
    let window = history.frames[steps]
    let rows: [(String, (StepFrame) -> Double, Bool)] = [
        ("commits", { Double($0.count(.commit)) }, false),
        ("edits", { Double($0.count(.edit)) }, false),
        ("remasks", { Double($0.count(.remask)) }, false),
        ("conf", { Double($0.meanConfidence(mask: state.maskToken)) }, true),
    ]
    for (r, (label, value, isConfidence)) in rows.enumerated() {
        let y = rect.y + 1 + r
        guard y < rect.bottom else { break }
        grid.write(label, x: rect.x + 1, y: y, style: theme.style(.muted))
        let values = window.map(value)
        let peak = isConfidence ? 1 : (values.max() ?? 0)
        for (i, v) in values.enumerated() {
            var style = isConfidence ? theme.confidence(v) : theme.style(.text)
            if start + i == history.viewIndex { style = style.adding(.reverse) }
            grid.put(sparkGlyph(v, max: peak), x: rect.x + labelWidth + i, y: y, style: style)
        }
        let current = value(history.current)
        let summary = isConfidence ? format(current) : "\(Int(current))"
        grid.write(summary, x: rect.right - 6, y: y, style: theme.style(.footerValue), clipRight: rect.right)
    }
}

/// The heatmap's rows (steps, ending at the viewed one) and columns (positions, grouped when there are more
/// than columns), for drawing and for clicks.
struct HeatmapWindow {
    static let labelWidth = 5
    let steps: ClosedRange<Int>
    let columns: Int
    let rect: Rect

    init(_ history: History, in rect: Rect) {
        self.rect = rect
        columns = max(1, rect.width - HeatmapWindow.labelWidth - 1)
        let rows = max(1, rect.height - 1)
        steps = max(0, history.viewIndex - rows + 1)...history.viewIndex
    }

    func positionsPerColumn(_ count: Int) -> Int { max(1, (count + columns - 1) / columns) }

    /// The step and the first position of the column group under a cell, if it shows one.
    func hit(x: Int, y: Int, history: History) -> (step: Int, position: Int)? {
        let step = steps.lowerBound + y - rect.y - 1, column = x - rect.x - HeatmapWindow.labelWidth
        guard steps.contains(step), column >= 0, column < columns else { return nil }
        let count = history.frames[step].tokens.count, position = column * positionsPerColumn(count)
        return position < count ? (step, position) : nil
    }
}

/// Steps × positions: one row per step (ending at the viewed one), one column per position (grouped
/// when the canvas is wider than the panel), shaded by confidence, with change markers.
func drawHeatmap(_ grid: inout CellGrid, _ state: AppState, in rect: Rect) {
    let theme = state.theme
    grid.panelTitle("Heatmap · steps × positions", in: rect, theme: theme, focused: state.focus == .canvas)
    guard let history = state.history else { return }
    let window = HeatmapWindow(history, in: rect), columns = window.columns
    let shades: [Character] = [" ", "░", "▒", "▓", "█"]
    for (r, index) in window.steps.enumerated() {
        let frame = history.frames[index]
        let y = rect.y + 1 + r
        grid.write(String(index), x: rect.x, y: y, style: theme.style(.muted))
        let count = frame.tokens.count
        guard count > 0 else { continue }
        let perColumn = window.positionsPerColumn(count)
        for column in 0..<min(columns, (count + perColumn - 1) / perColumn) {
            let positions = (column * perColumn)..<min(count, (column + 1) * perColumn)
            var sum: Float = 0, visible = 0
            var mark: ChangeKind?
            for p in positions {
                if let change = frame.change(at: p) { mark = change.kind }
                guard frame.tokens[p] != state.maskToken, p < frame.confidence.count else { continue }
                sum += frame.confidence[p]; visible += 1
            }
            let x = rect.x + HeatmapWindow.labelWidth + column
            if let mark, let glyph = Markers.glyph(for: mark) ?? (mark == .commit ? "+" : nil) {
                grid.put(glyph, x: x, y: y, style: theme.style(.accent).adding(mark.attributes))
            } else if visible == 0 {
                grid.put("·", x: x, y: y, style: theme.style(.mask))
            } else {
                let mean = Double(sum) / Double(visible)
                let glyph = theme.depth == .monochrome ? shades[min(4, Int(mean * 4.999))] : " "
                grid.put(glyph, x: x, y: y, style: theme.heat(mean))
            }
        }
    }
}
