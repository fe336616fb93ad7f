/// A rectangle of the screen.
public struct Rect: Sendable, Hashable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var right: Int { x + width }
    public var bottom: Int { y + height }
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < right && py >= y && py < bottom }
}

/// The smallest terminal every screen is designed for.
public enum MinimumSize {
    public static let width = 60
    public static let height = 16
}

/// Where the visualizer's panels go for a terminal size: status, canvas | inspector, timeline, footer.
struct VisualizerLayout {
    let status: Rect
    let canvas: Rect
    let inspector: Rect
    let timeline: Rect
    let footer: Rect
    static let timelineRows = 5

    init(width: Int, height: Int) {
        let inspectorWidth = width >= 110 ? 40 : 28
        let mainTop = 1
        let timelineTop = height - 1 - VisualizerLayout.timelineRows
        status = Rect(x: 0, y: 0, width: width, height: 1)
        canvas = Rect(x: 0, y: mainTop, width: width - inspectorWidth - 1, height: timelineTop - mainTop)
        inspector = Rect(x: width - inspectorWidth, y: mainTop, width: inspectorWidth, height: timelineTop - mainTop)
        timeline = Rect(x: 0, y: timelineTop, width: width, height: VisualizerLayout.timelineRows)
        footer = Rect(x: 0, y: height - 1, width: width, height: 1)
    }

    /// Canvas text width (the panel minus a one-column margin on each side).
    var canvasWidth: Int { max(1, canvas.width - 2) }
}

extension AppState {
    var layout: VisualizerLayout { VisualizerLayout(width: screenWidth, height: screenHeight) }
}

extension CellGrid {
    /// A panel title on a rule: `─ Title ───── label ─`, highlighted when the panel has focus; a title too
    /// long for the rule (and the label at its right end, if any) ends in `…`.
    mutating func panelTitle(_ title: String, in rect: Rect, theme: Theme, focused: Bool = false, label: String? = nil) {
        let style = theme.style(focused ? .focusedBorder : .border)
        fill(x: rect.x, y: rect.y, width: rect.width, height: 1, glyph: "─", style: style)
        var limit = rect.right
        if let label {
            limit = rect.right - DisplayWidth.of(label) - 2
            write(label, x: limit, y: rect.y, style: theme.style(.muted), clipRight: rect.right)
        }
        writeTruncated(" \(title) ", x: rect.x + 1, y: rect.y, style: focused ? style : theme.style(.title), clipRight: limit)
    }

    /// Writes text that ends in `…` when it does not fit before `clipRight`.
    mutating func writeTruncated(_ text: String, x: Int, y: Int, style: CellStyle, clipRight: Int) {
        guard DisplayWidth.of(text) > clipRight - x else { write(text, x: x, y: y, style: style, clipRight: clipRight); return }
        let end = write(text, x: x, y: y, style: style, clipRight: clipRight - 1)
        put("…", x: end, y: y, style: style, clipRight: clipRight)
    }

    /// Writes text that starts with `…` and keeps its end when it does not fit before `clipRight`.
    mutating func writeTruncatedStart(_ text: String, x: Int, y: Int, style: CellStyle, clipRight: Int) {
        let room = clipRight - x
        guard DisplayWidth.of(text) > room else { write(text, x: x, y: y, style: style, clipRight: clipRight); return }
        var tail = Substring(text)
        while !tail.isEmpty, DisplayWidth.of(tail) > room - 1 { tail = tail.dropFirst() }
        write("…" + tail, x: x, y: y, style: style, clipRight: clipRight)
    }

    /// A framed box with a title, cleared inside (overlays).
    mutating func box(_ rect: Rect, title: String, theme: Theme) {
        let border = theme.style(.focusedBorder)
        fill(x: rect.x, y: rect.y, width: rect.width, height: rect.height)
        fill(x: rect.x, y: rect.y, width: rect.width, height: 1, glyph: "─", style: border)
        fill(x: rect.x, y: rect.bottom - 1, width: rect.width, height: 1, glyph: "─", style: border)
        fill(x: rect.x, y: rect.y, width: 1, height: rect.height, glyph: "│", style: border)
        fill(x: rect.right - 1, y: rect.y, width: 1, height: rect.height, glyph: "│", style: border)
        put("┌", x: rect.x, y: rect.y, style: border)
        put("┐", x: rect.right - 1, y: rect.y, style: border)
        put("└", x: rect.x, y: rect.bottom - 1, style: border)
        put("┘", x: rect.right - 1, y: rect.bottom - 1, style: border)
        writeTruncated(" \(title) ", x: rect.x + 2, y: rect.y, style: theme.style(.title), clipRight: rect.right - 1)
    }
}
