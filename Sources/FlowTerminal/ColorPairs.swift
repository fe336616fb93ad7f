import CNCursesW
import FlowTUI

/// Allocates ncurses colour pairs on demand for the (foreground, background) combinations a screen uses.
struct ColorPairs {
    let depth: ColorDepth
    let terminalColors: Int
    let maximumPairs: Int
    private var pairs: [Pair: Int32] = [:]

    struct Pair: Hashable { var foreground: Int32; var background: Int32 }

    init(depth: ColorDepth, terminalColors: Int, maximumPairs: Int) {
        self.depth = depth; self.terminalColors = terminalColors; self.maximumPairs = maximumPairs
    }

    /// The ncurses colour number (-1 = the terminal's default) and any attribute needed to show it.
    func number(_ color: TerminalColor) -> (Int32, attr_t) {
        switch color {
        case .standard: return (-1, 0)
        case let .ansi(index):
            // On 8-colour terminals bright colours are the normal ones in bold.
            if terminalColors < 16, index >= 8 { return (Int32(index - 8), flow_A_BOLD) }
            return (Int32(index), 0)
        case let .palette(index):
            return (Int32(index) < terminalColors ? Int32(index) : Int32(index % 8), 0)
        }
    }

    /// The pair for a style (0 = default colours) plus extra attributes.
    mutating func pair(for style: CellStyle) -> (Int32, attr_t) {
        guard depth != .monochrome else { return (0, 0) }
        let (foreground, extraF) = number(style.foreground)
        let (background, _) = number(style.background)
        if foreground == -1, background == -1 { return (0, extraF) }
        let key = Pair(foreground: foreground, background: background)
        if let existing = pairs[key] { return (existing, extraF) }
        let next = Int32(pairs.count + 1)
        guard next < maximumPairs else { return (0, extraF) }  // out of pairs: default colours, never a crash
        if next < 256 {
            init_pair(Int16(next), Int16(foreground), Int16(background))
        } else {
            init_extended_pair(next, foreground, background)
        }
        pairs[key] = next
        return (next, extraF)
    }
}
