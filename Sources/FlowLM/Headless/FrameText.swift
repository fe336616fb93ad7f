import FlowCore
import FlowDiffusion
import FlowTUI

/// A visualizer frame as terminal text: token pieces in the TUI's confidence colours and change styles
/// (as ANSI SGR) when a theme is given, plain text otherwise. Masks show as the canvas's shade blocks.
public struct FrameText: Sendable {
    public var pieces: PieceLookup
    public var mask: TokenID
    /// nil: no escape codes at all.
    public var theme: Theme?
    public var measure: ColorMeasure

    public init(pieces: PieceLookup, mask: TokenID, theme: Theme?, measure: ColorMeasure = .probability) {
        self.pieces = pieces; self.mask = mask; self.theme = theme; self.measure = measure
    }

    /// The canvas without its special tokens. With `markers`, this step's edits, remasks, freezes and
    /// forces carry the TUI's marker glyph so they read without colour too.
    public func canvas(_ frame: StepFrame, markers: Bool) -> String {
        // Neighbours in the same style share one escape sequence, so the output stays small.
        var out = "", run = "", runStyle = CellStyle.plain
        for position in frame.tokens.indices where position >= frame.roles.count || frame.roles[position] != .special {
            let token = frame.tokens[position]
            var text = token == mask ? String(Markers.maskOdd.prefix(1)) : pieces(token)
            if markers, let kind = frame.change(at: position)?.kind, let glyph = Markers.glyph(for: kind) {
                text.append(glyph)
            }
            let style = theme?.tokenStyle(frame, position: position, mask: mask, measure: measure) ?? .plain
            if style != runStyle {
                out += ANSI.styled(run, runStyle)
                run = ""
                runStyle = style
            }
            run += text
        }
        return out + ANSI.styled(run, runStyle)
    }

    /// `step 3/12 · unmask → correction · 4 commits, 1 edit · 3 masked · 3 forward passes`.
    public func header(_ frame: StepFrame, of total: Int? = nil) -> String {
        var parts = ["step \(frame.index)" + (total.map { "/\($0)" } ?? "")]
        if let source = frame.source {
            parts.append(source.phase == source.phaseAfter ? source.phase.rawValue : "\(source.phase.rawValue) → \(source.phaseAfter.rawValue)")
        } else if frame.index == 0 {
            parts.append("start")
        }
        let counts = ChangeKind.allCasesInOrder.compactMap { kind -> String? in
            let n = frame.count(kind)
            return n == 0 ? nil : "\(n) \(kind.rawValue)\(n == 1 ? "" : "s")"
        }
        parts.append(counts.isEmpty ? "no changes" : counts.joined(separator: ", "))
        parts.append("\(frame.maskCount(mask: mask)) masked")
        parts.append("\(frame.forwardPasses) forward pass\(frame.forwardPasses == 1 ? "" : "es")")
        let line = parts.joined(separator: " · ")
        return theme.map { ANSI.styled(line, $0.style(.title)) } ?? line
    }

    /// One line per change: `  pos 12 edit " the" → " a"  p 0.21 → 0.64  (p(alt) 0.64 ≥ tau_edit …)`.
    public func changeLines(_ frame: StepFrame) -> [String] {
        frame.changes.map { change in
            let line = "  pos \(change.position) \(change.kind.rawValue) \(name(change.from)) → \(name(change.to))"
                + "  p \(format(change.pFrom)) → \(format(change.pTo))  (\(change.reason.text))"
            guard let theme else { return line }
            return ANSI.styled(line, theme.style(.muted))
        }
    }

    /// A token as the change list names it: MASK, or its piece quoted so whitespace shows.
    public func name(_ token: TokenID) -> String {
        token == mask ? "MASK" : "\"" + escaped(pieces(token)) + "\""
    }

    private func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\"": out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }

    private func format(_ p: Float) -> String {
        let hundredths = Int((Double(p) * 100).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}

extension ChangeKind {
    /// The order changes are counted in step headers.
    static let allCasesInOrder: [ChangeKind] = [.force, .commit, .edit, .remask, .freeze]
}
