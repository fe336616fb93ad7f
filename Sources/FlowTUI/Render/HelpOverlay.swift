import FlowDiffusion

/// `?`: every binding of the screen underneath (from the KeyMap) and the colour legend.
func drawHelp(_ grid: inout CellGrid, _ state: AppState) {
    let theme = state.theme
    let layout = HelpLayout(state, width: grid.width, height: grid.height)
    let rect = layout.rect
    // The longest title that fits: the scroll keys matter more than the screen's name.
    let keys = layout.maxScroll > 0 ? " · ↑/↓ PgUp/PgDn scroll" : "", fewKeys = layout.maxScroll > 0 ? " · ↑/↓ scroll" : ""
    let titles = ["Help · \(state.screen.rawValue)\(keys) · ? or Esc closes", "Help\(keys) · Esc closes", "Help\(fewKeys) · Esc"]
    let title = titles.first { DisplayWidth.of($0) + 6 <= rect.width } ?? titles[titles.count - 1]
    grid.box(rect, title: title, theme: theme)
    let first = min(state.helpScroll, layout.maxScroll)
    for (c, column) in layout.columns.enumerated() {
        let x = rect.x + 2 + c * (layout.columnWidth + HelpLayout.gap)
        let right = min(rect.right - 2, x + layout.columnWidth)
        for (i, row) in column.dropFirst(first).prefix(layout.rowsPerColumn).enumerated() {
            let y = rect.y + 1 + i
            switch row {
            case let .heading(text):
                grid.write(text, x: x, y: y, style: theme.style(.title), clipRight: right)
            case let .binding(keys, text):
                grid.write(keys, x: x, y: y, style: theme.style(.footerValue), clipRight: right)
                grid.writeTruncated(text, x: x + layout.keyWidth, y: y, style: theme.style(.text), clipRight: right)
            case let .continuation(text):
                grid.writeTruncated(text, x: x + layout.keyWidth, y: y, style: theme.style(.text), clipRight: right)
            case let .legend(samples):
                var sx = x
                for (text, style) in samples { sx = grid.write(text, x: sx, y: y, style: style, clipRight: right) + 1 }
            }
        }
    }
    if layout.maxScroll > 0 {
        let total = layout.columns[0].count, last = min(total, first + layout.rowsPerColumn)
        let position = " \(first + 1)–\(last) of \(total)\(last < total ? " ↓" : "") "
        grid.write(position, x: rect.right - 2 - DisplayWidth.of(position), y: rect.bottom - 1,
                   style: theme.style(.title), clipRight: rect.right - 1)
    }
}

/// Where the help's rows go for a terminal size. Help texts wrap under their keys rather than being cut
/// short. The rows flow into the fewest columns (each at least `minimumColumnWidth` wide) that hold them
/// all; when none do, as on 80×24, they go into one column as wide as the box, which scrolls.
struct HelpLayout {
    enum Row {
        case heading(String), binding(keys: String, text: String), continuation(String)
        case legend([(String, CellStyle)])
    }
    static let gap = 2, minimumColumnWidth = 36

    let rect: Rect
    let columns: [[Row]]
    let columnWidth: Int
    let keyWidth: Int
    let rowsPerColumn: Int
    /// The first row can be at most this far down (0: everything is on screen).
    let maxScroll: Int

    init(_ state: AppState, width: Int, height: Int) {
        rect = Rect(x: 1, y: 1, width: width - 2, height: height - 2)
        rowsPerColumn = max(1, rect.height - 2)
        let groups = KeyMap.helpGroups(for: state.screen.keyScope)
        let mouse = KeyMap.mouseActions.filter { $0.scopes.contains(state.screen.keyScope) }
            .map { (keys: $0.gesture, help: $0.help) }
        let keyWidth = 1 + ((groups.flatMap(\.bindings).map(\.keyLabel) + mouse.map(\.keys)).map(DisplayWidth.of).max() ?? 0)
        self.keyWidth = keyWidth
        let legend = HelpLayout.legendRows(state.theme)
        let innerWidth = max(1, rect.width - 4)
        let widest = max(1, (innerWidth + HelpLayout.gap) / (HelpLayout.minimumColumnWidth + HelpLayout.gap))
        for count in 1...widest {
            let columnWidth = (innerWidth - HelpLayout.gap * (count - 1)) / count
            let blocks = HelpLayout.blocks(groups, mouse: mouse, legend: legend, textWidth: columnWidth - keyWidth)
            if let columns = HelpLayout.flow(blocks, into: count, rows: rowsPerColumn) {
                self.columns = columns; self.columnWidth = columnWidth; maxScroll = 0
                return
            }
        }
        let rows = HelpLayout.blocks(groups, mouse: mouse, legend: legend, textWidth: innerWidth - keyWidth)
            .flatMap { $0 }
        columns = [rows]; columnWidth = innerWidth
        maxScroll = max(0, rows.count - rowsPerColumn)
    }

    /// Runs of rows kept in one column: a heading with its first binding, each binding with its wrapped
    /// text, the legend whole.
    static func blocks(_ groups: [(group: String, bindings: [KeyBinding])], mouse: [(keys: String, help: String)] = [],
                       legend: [Row], textWidth: Int) -> [[Row]] {
        var blocks: [[Row]] = []
        let sections = groups.map { ($0.group, $0.bindings.map { (keys: $0.keyLabel, help: $0.help) }) }
            + (mouse.isEmpty ? [] : [("Mouse", mouse)])
        for (group, entries) in sections {
            for (i, entry) in entries.enumerated() {
                let lines = wrapWords(entry.help, width: max(1, textWidth))
                var block: [Row] = i == 0 ? [.heading(group)] : []
                block.append(.binding(keys: entry.keys, text: lines[0]))
                block += lines.dropFirst().map(Row.continuation)
                blocks.append(block)
            }
        }
        blocks.append([.heading("Legend")] + legend)
        return blocks
    }

    /// The blocks in order, top to bottom and then left to right; nil when they need more than `count` columns.
    static func flow(_ blocks: [[Row]], into count: Int, rows: Int) -> [[Row]]? {
        var columns: [[Row]] = [[]]
        for block in blocks {
            guard block.count <= rows else { return nil }
            if columns[columns.count - 1].count + block.count > rows { columns.append([]) }
            columns[columns.count - 1] += block
        }
        return columns.count <= count ? columns : nil
    }

    static func legendRows(_ theme: Theme) -> [Row] {
        let sure = theme.confidence(0.8)
        return [
            .legend([("prompt", theme.style(.prompt)), ("unsure", theme.confidence(0.1)),
                     ("so-so", theme.confidence(0.5)), ("sure", theme.confidence(0.95))]),
            .legend([(Markers.maskEven + " mask", theme.style(.mask)), ("pinned\(Markers.pinned)", theme.style(.pinned)),
                     ("commit", sure.adding(ChangeKind.commit.attributes))]),
            .legend([("edit\(Markers.edit)", sure.adding(ChangeKind.edit.attributes)),
                     ("remask\(Markers.remask)", theme.style(.mask).adding(ChangeKind.remask.attributes)),
                     ("freeze\(Markers.freeze)", sure.adding(ChangeKind.freeze.attributes)),
                     ("force\(Markers.force)", sure.adding(ChangeKind.force.attributes))]),
            // Repair mode (R): the marker after a position damaged, restored, or correct and broken.
            .legend([(String(Markers.damaged), theme.style(.damaged)), ("damaged", theme.style(.text)),
                     (String(Markers.restored), theme.style(.restored)), ("restored", theme.style(.text)),
                     (String(Markers.broken), theme.style(.damaged)), ("broken", theme.style(.text))]),
        ]
    }
}
