import FlowDiffusion

/// Draws the whole screen for a state and a terminal size. Pure: the same inputs give the same grid.
public func render(_ state: AppState, width: Int, height: Int) -> CellGrid {
    var grid = CellGrid(width: width, height: height)
    guard width >= MinimumSize.width, height >= MinimumSize.height else {
        drawTooSmall(&grid, theme: state.theme)
        return grid
    }
    switch state.screen {
    case .visualizer: drawVisualizer(&grid, state)
    case .ab: drawAB(&grid, state)
    case .train: drawTrain(&grid, state)
    }
    drawFooter(&grid, state, row: height - 1)
    if let field = state.textField { drawTextField(&grid, field, state: state) }
    if state.showHelp { drawHelp(&grid, state) }
    return grid
}

func drawTooSmall(_ grid: inout CellGrid, theme: Theme) {
    let lines = ["terminal too small (need \(MinimumSize.width)×\(MinimumSize.height))",
                 "now \(grid.width)×\(grid.height) · enlarge the window or press q"]
    for (i, line) in lines.enumerated() {
        let y = grid.height / 2 - 1 + i
        let x = max(0, (grid.width - DisplayWidth.of(line)) / 2)
        grid.write(line, x: x, y: y, style: theme.style(i == 0 ? .warning : .muted))
    }
}

/// The top status line: model, sampler, step n/N, forward passes, key knobs, tokens/s, branch, activity.
func drawStatusLine(_ grid: inout CellGrid, _ state: AppState, extra: String? = nil) {
    let style = state.theme.style(.statusBar)
    grid.fill(x: 0, y: 0, width: grid.width, height: 1, style: style)
    let knobs = state.knobs
    var parts = [state.modelName]
    if state.screen == .visualizer {
        let sampler = Samplers.selected(by: knobs)
        parts.append(sampler.name)
        if state.repair != nil { parts.append("repair") }
        if let history = state.history {
            // A sampler with a correction phase may run up to correction_steps edit-only steps after the
            // schedule: "step 8/6+8".
            let corrects = sampler.hasCorrectionPhase(under: knobs) && knobs.correctionSteps > 0
            let budget = corrects ? "\(knobs.steps)+\(knobs.correctionSteps)" : "\(knobs.steps)"
            parts.append("step \(history.current.index)/\(budget) \(history.current.phaseAfter.rawValue)")
            parts.append("fwd \(history.current.forwardPasses)")
            if history.branchIDs.count > 1 { parts.append("branch \(history.branchID + 1)/\(history.branchIDs.count)") }
        } else {
            parts.append(state.busy.contains(.main) ? "starting…" : "no canvas")
        }
    }
    if let extra { parts.append(extra) }
    let rate = state.tokensPerSecond.map { "\(Int($0.rounded())) tok/s" }
    // Edit thresholds only for a sampler that reads them (LLaDA never edits).
    let knobKeys = Samplers.selected(by: knobs).knobKeys
    let editKnobs = knobKeys.contains("tau_edit")
        ? "τe \(format(knobs.tauEdit)) δ \(format(knobs.delta)) " : ""
    let allKnobs = editKnobs + "τu \(format(knobs.tauUnmask)) T \(format(knobs.temperature, digits: 1))"
        + (knobKeys.contains("max_edits") ? " E \(knobs.maxEditsPerStep)" : "") + " \(state.colorMeasure.rawValue)"
    let fewKnobs = "τu \(format(knobs.tauUnmask)) T \(format(knobs.temperature, digits: 1)) \(state.colorMeasure.rawValue)"
    let activity = state.busy.isEmpty ? (state.autoplay ? "▶ auto" : "") : "⟳ working"
    let activityX = grid.width - DisplayWidth.of(activity) - 1
    let room = activity.isEmpty ? grid.width : activityX - 1
    // The widest that fits: tau_edit, delta and E are also in the footer, so they go first, then the rate,
    // then the rest of the knobs; what still does not fit is cut with an ellipsis.
    let choices: [[String]] = state.screen == .train ? [parts] : [
        parts + [allKnobs] + (rate.map { [$0] } ?? []), parts + [fewKnobs] + (rate.map { [$0] } ?? []),
        parts + [fewKnobs], parts,
    ]
    let texts = choices.map { " " + $0.joined(separator: " │ ") }
    let text = texts.first { DisplayWidth.of($0) <= room } ?? texts[texts.count - 1]
    grid.writeTruncated(text, x: 0, y: 0, style: style, clipRight: room)
    if !activity.isEmpty { grid.write(activity, x: activityX, y: 0, style: style.adding(.bold)) }
}

/// The footer: the keys that matter on this screen now, with their current values.
func drawFooter(_ grid: inout CellGrid, _ state: AppState, row: Int) {
    let theme = state.theme
    var x = 0
    for binding in KeyMap.footer(for: state) {
        let key = " \(binding.keyLabel) "
        let value = binding.value.map { ":" + $0(state) } ?? ""
        let needed = DisplayWidth.of(key) + DisplayWidth.of(binding.label) + DisplayWidth.of(value) + 1
        if x + needed > grid.width { break }
        x = grid.write(key, x: x, y: row, style: theme.style(.footerKey))
        x = grid.write(binding.label, x: x + 1, y: row, style: theme.style(.footerLabel))
        x = grid.write(value, x: x, y: row, style: theme.style(.footerValue))
        x += 1
    }
}

/// A one-line text field in a box (prompt editor, trace path).
func drawTextField(_ grid: inout CellGrid, _ field: TextField, state: AppState) {
    let theme = state.theme
    let width = min(grid.width - 4, 100)
    let rect = Rect(x: (grid.width - width) / 2, y: grid.height / 2 - 2, width: width, height: 5)
    let (title, hint): (String, String)
    switch field.purpose {
    case .prompt: (title, hint) = ("Prompt", "Enter run · Esc cancel · Ctrl-U clear · {{8}} = 8 infill holes · [MASK] = one hole")
    case .openTrace: (title, hint) = ("Open trace", "Enter open · Esc cancel · Ctrl-U clear · a JSON Lines trace written by w or flowlm generate --trace")
    case .corpusPath: (title, hint) = ("Corpus", "Enter set · Esc cancel · Ctrl-U clear · a text file, or JSONL with prompt/response")
    }
    grid.box(rect, title: title, theme: theme)
    let inner = rect.width - 4
    let characters = Array(field.text)
    let start = max(0, field.cursor - inner + 1)
    var x = rect.x + 2
    for (i, character) in characters.enumerated() where i >= start {
        let style = i == field.cursor ? theme.style(.cursor) : theme.style(.text)
        let w = grid.put(character, x: x, y: rect.y + 1, style: style, clipRight: rect.right - 2)
        if w == 0 { break }
        x += w
    }
    if field.cursor >= characters.count { grid.put(" ", x: x, y: rect.y + 1, style: theme.style(.cursor), clipRight: rect.right - 2) }
    // The hint ends the box; on a narrow terminal it wraps up into the spacer row.
    let hintLines = wrapWords(hint, width: inner), shown = Array(hintLines.prefix(2))
    for (i, text) in shown.enumerated() {
        let cut = i == shown.count - 1 && hintLines.count > shown.count
        grid.writeTruncated(cut ? text + " …" : text, x: rect.x + 2, y: rect.y + 4 - shown.count + i,
                            style: theme.style(.muted), clipRight: rect.right - 2)
    }
}
