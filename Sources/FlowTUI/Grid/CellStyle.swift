/// A colour as a terminal can show it. Themes resolve semantic roles to these before drawing,
/// so the grid (and its snapshots) records exactly what the terminal will be asked to show.
public enum TerminalColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground/background (works under any theme, including monochrome).
    case standard
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
    case ansi(UInt8)
    /// An xterm-256 palette index (16–231 colour cube, 232–255 greys).
    case palette(UInt8)

    public var description: String {
        switch self {
        case .standard: return "-"
        case let .ansi(i): return "a\(i)"
        case let .palette(i): return "\(i)"
        }
    }
}

/// Text attributes; every change style uses at least one of these so it still reads without colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let underline = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)

    static let names: [(TextAttributes, String)] = [
        (.bold, "bold"), (.underline, "underline"), (.reverse, "reverse"), (.dim, "dim"), (.italic, "italic"),
    ]
}

/// Foreground, background and attributes of one cell.
public struct CellStyle: Hashable, Sendable, CustomStringConvertible {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .standard, background: TerminalColor = .standard,
                attributes: TextAttributes = []) {
        self.foreground = foreground; self.background = background; self.attributes = attributes
    }

    public static let plain = CellStyle()

    public func adding(_ extra: TextAttributes) -> CellStyle {
        var copy = self
        copy.attributes.formUnion(extra)
        return copy
    }

    public var description: String {
        var parts = ["fg=\(foreground)", "bg=\(background)"]
        for (flag, name) in TextAttributes.names where attributes.contains(flag) { parts.append(name) }
        return parts.joined(separator: " ")
    }
}
