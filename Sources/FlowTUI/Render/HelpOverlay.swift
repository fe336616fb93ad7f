import FlowDiffusion
/// `?`: every binding of the screen underneath (from the KeyMap) and the colour legend, in as many
/// columns as the box needs.
func drawHelp(_ grid: inout CellGrid, _ state: AppState) {
    let theme = state.theme
    let rect = Rect(x: 1, y: 1, width: grid.width - 2, height: grid.height - 2)
    let screenScope: KeyScope = state.screen == .visualizer ? .visualizer : (state.screen == .ab ? .ab : .train)
    grid.box(rect, title: "Help · \(state.screen.rawValue) · ? or Esc closes", theme: theme)

    enum Line { case heading(String), binding(String, String), legend([(String, CellStyle)]) }
    var lines: [Line] = []
    for (group, bindings) in KeyMap.helpGroups(for: screenScope) {
        lines.append(.heading(group))
        for binding in bindings { lines.append(.binding(binding.keyLabel, binding.help)) }
    }
    lines.append(.heading("Legend"))
    let sure = theme.confidence(0.8)
    lines.append(.legend([("prompt", theme.style(.prompt)), ("unsure", theme.confidence(0.1)),
                          ("so-so", theme.confidence(0.5)), ("sure", theme.confidence(0.95))]))
    lines.append(.legend([(Markers.maskEven + " mask", theme.style(.mask)), ("pinned\(Markers.pinned)", theme.style(.pinned)),
                          ("commit", sure.adding(ChangeKind.commit.attributes))]))
    lines.append(.legend([("edit\(Markers.edit)", sure.adding(ChangeKind.edit.attributes)),
                          ("remask\(Markers.remask)", theme.style(.mask).adding(ChangeKind.remask.attributes)),
                          ("freeze\(Markers.freeze)", sure.adding(ChangeKind.freeze.attributes)),
                          ("force\(Markers.force)", sure.adding(ChangeKind.force.attributes))]))

    let innerHeight = rect.height - 2
    let columnCount = max(1, (lines.count + innerHeight - 1) / innerHeight)
    let columnWidth = (rect.width - 2) / columnCount
    let keyWidth = 10
    for (i, line) in lines.enumerated() {
        let column = i / innerHeight
        let x = rect.x + 2 + column * columnWidth
        let y = rect.y + 1 + i % innerHeight
        let right = min(rect.right - 1, x + columnWidth - 1)
        switch line {
        case let .heading(text):
            grid.write(text, x: x, y: y, style: theme.style(.title), clipRight: right)
        case let .binding(keys, help):
            grid.write(keys, x: x, y: y, style: theme.style(.footerValue), clipRight: right)
            grid.writeTruncated(help, x: x + keyWidth, y: y, style: theme.style(.text), clipRight: right)
        case let .legend(samples):
            var sx = x
            for (text, style) in samples {
                sx = grid.write(text, x: sx, y: y, style: style, clipRight: right) + 1
            }
        }
    }
}
