import Foundation

/// The train screen: settings, a braille plot of the loss curves, accuracies, speed, ETA, progress
/// and the latest sample refined with the current weights.
func drawTrain(_ grid: inout CellGrid, _ state: AppState) {
    let theme = state.theme
    let progress = state.training
    let settings = state.trainSettings
    drawStatusLine(&grid, state, extra: "train: \(progress.phaseLabel)")
    let sideWidth = grid.width >= 100 ? 36 : 28
    let bottomRows = 6
    let plotRect = Rect(x: sideWidth + 1, y: 1, width: grid.width - sideWidth - 1, height: grid.height - 2 - bottomRows)
    let sideRect = Rect(x: 0, y: 1, width: sideWidth, height: plotRect.height)
    grid.fill(x: sideWidth, y: 1, width: 1, height: plotRect.height, glyph: "│", style: theme.style(.border))

    grid.panelTitle("Setup", in: sideRect, theme: theme)
    // Paths keep their ends (the file name, even a bare one); other values their starts.
    let paths: Set<String> = ["corpus", "output"]
    let rows: [(String, String)] = [
        ("corpus", settings.corpus), ("objective", settings.objective), ("preset", settings.preset),
        ("substitute", format(settings.substituteRate)), ("w_keep", format(settings.keepWeight)),
        ("output", settings.outputDirectory), ("", ""),
        ("step", progress.totalSteps > 0 ? "\(progress.step)/\(progress.totalSteps)" : "–"),
        ("lr", progress.learningRate.map { String(format: "%.2e", $0) } ?? "–"),
        ("tok/s", progress.tokensPerSecond > 0 ? "\(Int(progress.tokensPerSecond.rounded()))" : "–"),
        ("ETA", progress.etaSeconds.map(formatDuration) ?? "–"),
    ]
    for (i, (label, value)) in rows.enumerated() where sideRect.y + 1 + i < sideRect.bottom {
        grid.write(label, x: 1, y: sideRect.y + 1 + i, style: theme.style(.muted))
        let style = theme.style(.footerValue), y = sideRect.y + 1 + i
        if paths.contains(label) { grid.writeTruncatedStart(value, x: 12, y: y, style: style, clipRight: sideWidth) }
        else { grid.writeTruncated(value, x: 12, y: y, style: style, clipRight: sideWidth) }
    }

    grid.panelTitle("Loss by corruption type", in: plotRect, theme: theme)
    drawLossPlot(&grid, progress.curves, in: Rect(x: plotRect.x, y: plotRect.y + 1, width: plotRect.width,
                                                 height: plotRect.height - 1), theme: theme)

    let y0 = plotRect.bottom
    grid.panelTitle("Progress", in: Rect(x: 0, y: y0, width: grid.width, height: 1), theme: theme)
    func accuracy(_ value: Double?) -> String { value.map { format($0 * 100, digits: 1) + "%" } ?? "–" }
    grid.write("accuracy  masked \(accuracy(progress.accuracyMasked))  substituted \(accuracy(progress.accuracySubstituted))"
               + "  kept \(accuracy(progress.accuracyKept))", x: 1, y: y0 + 1, style: theme.style(.text))
    let barWidth = max(10, grid.width - 12)
    let done = Int((progress.fraction * Double(barWidth)).rounded())
    let x = grid.write(String(repeating: "█", count: done), x: 1, y: y0 + 2, style: theme.style(.progressDone))
    grid.write(String(repeating: "░", count: barWidth - done), x: x, y: y0 + 2, style: theme.style(.progressTodo))
    grid.write(format(progress.fraction * 100, digits: 1) + "%", x: barWidth + 2, y: y0 + 2, style: theme.style(.footerValue))
    let sampleLabel = progress.sampleStep.map { "sample @\($0): " } ?? "sample: "
    let x2 = grid.write(sampleLabel, x: 1, y: y0 + 3, style: theme.style(.muted))
    let sample = progress.sampleText.isEmpty ? "(appears every few hundred steps)" : progress.sampleText
    let wrapped = TokenWrap.wrap(sample.split(separator: " ", omittingEmptySubsequences: false)
        .map { DisplayPiece(text: String($0) + " ") }, width: grid.width - x2 - 1)
    for piece in wrapped.placed where piece.line < bottomRows - 3 {
        grid.write(piece.text, x: x2 + piece.column, y: y0 + 3 + piece.line, style: theme.style(.text))
    }
}

func drawLossPlot(_ grid: inout CellGrid, _ curves: [Curve], in rect: Rect, theme: Theme) {
    let styles = [theme.style(.plotLoss), theme.style(.plotValidation), theme.style(.plotSeries3),
                  theme.style(.accent), theme.style(.warning), theme.style(.footerValue)]
    let points = curves.flatMap(\.points)
    guard !points.isEmpty, rect.height > 2, rect.width > 12 else {
        grid.writeTruncated("no data yet: press Space to start", x: rect.x + 2, y: rect.y + 1, style: theme.style(.muted),
                            clipRight: rect.right - 1)
        return
    }
    let steps = points.map { Double($0.step) }, values = points.map(\.value).filter(\.isFinite)
    let xRange = (steps.min() ?? 0)...max((steps.max() ?? 1), (steps.min() ?? 0) + 1)
    let low = values.min() ?? 0, high = values.max() ?? 1
    let yRange = low...max(high, low + 1e-6)
    let axisWidth = 7
    var plot = BraillePlot(width: rect.width - axisWidth - 1, height: rect.height - 2)
    for (i, curve) in curves.enumerated() {
        plot.plot(curve.points.map { (Double($0.step), $0.value) }, xRange: xRange, yRange: yRange, series: i % styles.count)
    }
    plot.draw(into: &grid, x: rect.x + axisWidth, y: rect.y, styles: styles)
    grid.write(format(high, digits: 3), x: rect.x + 1, y: rect.y, style: theme.style(.muted))
    grid.write(format(low, digits: 3), x: rect.x + 1, y: rect.y + plot.height - 1, style: theme.style(.muted))
    let axis = "step \(Int(xRange.lowerBound))…\(Int(xRange.upperBound))"
    let axisEnd = grid.write(axis, x: rect.x + axisWidth, y: rect.y + plot.height, style: theme.style(.muted))
    // The legend fills its own line, then continues after the axis label instead of being cut off; when even
    // that is too narrow, names shrink ("loss masked" → "masked", "val substituted" → "val·subst.").
    let room = (rect.right - rect.x - axisWidth) + (rect.right - axisEnd - 3)
    let full = curves.reduce(0) { $0 + DisplayWidth.of("━ \($1.name)  ") }
    func label(_ name: String) -> String {
        guard full > room else { return name }
        return name.replacingOccurrences(of: "loss ", with: "").replacingOccurrences(of: "val ", with: "val·")
            .replacingOccurrences(of: "substituted", with: "subst.")
    }
    var line = rect.y + plot.height + 1, x = rect.x + axisWidth
    for (i, curve) in curves.enumerated() {
        let entry = "━ \(label(curve.name))  "
        if x + DisplayWidth.of(entry) > rect.right && line == rect.y + plot.height + 1 {
            line = rect.y + plot.height
            x = axisEnd + 3
        }
        x = grid.write(entry, x: x, y: line, style: styles[i % styles.count], clipRight: rect.right)
    }
}

func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "–" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
}
