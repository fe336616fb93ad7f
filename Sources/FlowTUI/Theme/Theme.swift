/// How many colours the terminal offers. NO_COLOR (https://no-color.org) selects monochrome.
public enum ColorDepth: String, Sendable, CaseIterable {
    case palette256 = "256"
    case ansi16 = "16"
    case monochrome = "mono"

    /// The depth to use given `--theme` (if any), the environment and what the terminal reports.
    public static func choose(requested: ColorDepth?, environment: [String: String], terminalColors: Int) -> ColorDepth {
        if let requested { return requested }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        if terminalColors >= 256 { return .palette256 }
        if terminalColors >= 8 { return .ansi16 }
        return .monochrome
    }
}

/// What a piece of the screen means; the theme decides how it looks.
public enum StyleRole: Hashable, Sendable, CaseIterable {
    case text, muted, title, statusBar, border, focusedBorder, prompt, mask, cursor
    case footerKey, footerLabel, footerValue, accent, warning, error, pinned
    case plotLoss, plotValidation, plotSeries3, progressDone, progressTodo
    /// Repair mode's markers: a damaged (or broken) position, and one restored to the original.
    case damaged, restored
}

/// Resolves roles and confidences to concrete cell styles for one colour depth.
public struct Theme: Sendable, Hashable {
    public let depth: ColorDepth
    public init(depth: ColorDepth) { self.depth = depth }

    public func style(_ role: StyleRole) -> CellStyle {
        switch depth {
        case .palette256: return palette256(role)
        case .ansi16: return ansi16(role)
        case .monochrome: return monochrome(role)
        }
    }

    /// A generated token's style for a confidence in [0, 1]: a smooth red → amber → green ramp in 256
    /// colours, three steps in 16, and dim-for-doubtful in monochrome (so the doubt still shows).
    public func confidence(_ value: Double) -> CellStyle {
        let clamped = value.isFinite ? min(1, max(0, value)) : 0
        switch depth {
        case .palette256: return CellStyle(foreground: .palette(ConfidenceRamp.paletteIndex(clamped)))
        case .ansi16:
            let index: UInt8 = clamped < 1.0 / 3 ? 9 : (clamped < 2.0 / 3 ? 11 : 10)
            return CellStyle(foreground: .ansi(index))
        case .monochrome:
            return clamped < 1.0 / 3 ? CellStyle(attributes: .dim) : .plain
        }
    }

    /// A heatmap cell: background shaded by confidence; monochrome uses shade glyphs instead (see HeatmapView).
    public func heat(_ value: Double) -> CellStyle {
        switch depth {
        case .monochrome: return .plain
        case .ansi16, .palette256:
            var style = confidence(value)
            style.background = style.foreground
            return style
        }
    }

    private func palette256(_ role: StyleRole) -> CellStyle {
        switch role {
        case .text: return .plain
        case .muted: return CellStyle(foreground: .palette(245))
        case .title: return CellStyle(foreground: .palette(117), attributes: .bold)
        case .statusBar: return CellStyle(foreground: .palette(255), background: .palette(236))
        case .border: return CellStyle(foreground: .palette(240))
        case .focusedBorder: return CellStyle(foreground: .palette(117), attributes: .bold)
        case .prompt: return CellStyle(foreground: .palette(252))
        case .mask: return CellStyle(foreground: .palette(240), attributes: .dim)
        case .cursor: return CellStyle(foreground: .palette(16), background: .palette(153))
        case .footerKey: return CellStyle(foreground: .palette(16), background: .palette(110), attributes: .bold)
        case .footerLabel: return CellStyle(foreground: .palette(250))
        case .footerValue: return CellStyle(foreground: .palette(222))
        case .accent: return CellStyle(foreground: .palette(213), attributes: .bold)
        case .warning: return CellStyle(foreground: .palette(214), attributes: .bold)
        case .error: return CellStyle(foreground: .palette(203), attributes: .bold)
        case .pinned: return CellStyle(foreground: .palette(81), attributes: .bold)
        case .plotLoss: return CellStyle(foreground: .palette(209))
        case .plotValidation: return CellStyle(foreground: .palette(81))
        case .plotSeries3: return CellStyle(foreground: .palette(150))
        case .progressDone: return CellStyle(foreground: .palette(78))
        case .progressTodo: return CellStyle(foreground: .palette(238))
        // On a background, so a one-cell marker reads beside tokens already coloured by the ramp.
        case .damaged: return CellStyle(foreground: .palette(231), background: .palette(125), attributes: .bold)
        case .restored: return CellStyle(foreground: .palette(16), background: .palette(78), attributes: .bold)
        }
    }

    private func ansi16(_ role: StyleRole) -> CellStyle {
        switch role {
        case .text, .prompt: return .plain
        case .muted, .border, .progressTodo: return CellStyle(foreground: .ansi(8))
        case .title, .focusedBorder: return CellStyle(foreground: .ansi(14), attributes: .bold)
        case .statusBar: return CellStyle(foreground: .ansi(15), background: .ansi(4))
        case .mask: return CellStyle(foreground: .ansi(8), attributes: .dim)
        case .cursor: return CellStyle(foreground: .ansi(0), background: .ansi(14))
        case .footerKey: return CellStyle(foreground: .ansi(0), background: .ansi(6), attributes: .bold)
        case .footerLabel: return .plain
        case .footerValue: return CellStyle(foreground: .ansi(11))
        case .accent: return CellStyle(foreground: .ansi(13), attributes: .bold)
        case .warning: return CellStyle(foreground: .ansi(11), attributes: .bold)
        case .error: return CellStyle(foreground: .ansi(9), attributes: .bold)
        case .pinned: return CellStyle(foreground: .ansi(12), attributes: .bold)
        case .plotLoss: return CellStyle(foreground: .ansi(9))
        case .plotValidation: return CellStyle(foreground: .ansi(12))
        case .plotSeries3: return CellStyle(foreground: .ansi(10))
        case .progressDone: return CellStyle(foreground: .ansi(10))
        case .damaged: return CellStyle(foreground: .ansi(15), background: .ansi(5), attributes: .bold)
        case .restored: return CellStyle(foreground: .ansi(0), background: .ansi(2), attributes: .bold)
        }
    }

    private func monochrome(_ role: StyleRole) -> CellStyle {
        switch role {
        case .text, .prompt, .footerLabel, .border, .progressDone: return .plain
        case .plotLoss, .plotValidation, .plotSeries3: return .plain
        case .muted, .mask, .progressTodo: return CellStyle(attributes: .dim)
        case .title, .focusedBorder, .accent, .warning, .error, .pinned: return CellStyle(attributes: .bold)
        case .statusBar, .cursor, .footerKey: return CellStyle(attributes: .reverse)
        case .footerValue: return CellStyle(attributes: .bold)
        // The glyphs (†, ✓, ✗) tell the states apart; reverse makes the ones still wrong stand out.
        case .damaged: return CellStyle(attributes: [.reverse, .bold])
        case .restored: return CellStyle(attributes: .bold)
        }
    }
}

/// The confidence ramp red → amber → green, interpolated in RGB and snapped to the xterm colour cube.
public enum ConfidenceRamp {
    static let red = (r: 215.0, g: 48.0, b: 39.0)
    static let amber = (r: 250.0, g: 190.0, b: 60.0)
    static let green = (r: 60.0, g: 200.0, b: 90.0)

    /// RGB (0–255 each) at a confidence in [0, 1].
    public static func rgb(_ value: Double) -> (r: Double, g: Double, b: Double) {
        let v = min(1, max(0, value))
        let (from, to, t) = v < 0.5 ? (red, amber, v * 2) : (amber, green, (v - 0.5) * 2)
        return (from.r + (to.r - from.r) * t, from.g + (to.g - from.g) * t, from.b + (to.b - from.b) * t)
    }

    /// The nearest xterm-256 colour-cube index for the ramp at `value`.
    public static func paletteIndex(_ value: Double) -> UInt8 {
        let (r, g, b) = rgb(value)
        return UInt8(16 + 36 * cubeLevel(r) + 6 * cubeLevel(g) + cubeLevel(b))
    }

    /// The cube's six levels are 0, 95, 135, 175, 215, 255.
    static func cubeLevel(_ component: Double) -> Int {
        let levels: [Double] = [0, 95, 135, 175, 215, 255]
        var best = 0
        for i in 1..<levels.count where abs(levels[i] - component) < abs(levels[best] - component) { best = i }
        return best
    }
}
