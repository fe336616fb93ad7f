import FlowCore
import FlowDiffusion
import FlowTUI
import Testing
@testable import FlowLM

private let escape = "\u{1B}"

@Suite struct ColorModeTests {
    @Test(arguments: [
        (ColorMode.auto, true, [String: String](), true),
        (.auto, false, [:], false),
        (.auto, true, ["NO_COLOR": "1"], false),
        (.auto, true, ["NO_COLOR": ""], true),
        (.auto, true, ["TERM": "dumb"], false),
        (.never, true, [:], false),
        (.always, false, ["NO_COLOR": "1"], true),
    ])
    func decidesColour(mode: ColorMode, terminal: Bool, environment: [String: String], expected: Bool) {
        #expect(mode.usesColor(isTerminal: terminal, environment: environment) == expected)
    }
}

@Suite struct ANSITests {
    @Test func stylesBecomeSGRSequences() {
        #expect(ANSI.sgr(.plain) == "")
        #expect(ANSI.sgr(CellStyle(foreground: .palette(196), attributes: .underline)) == "\(escape)[4;38;5;196m")
        #expect(ANSI.sgr(CellStyle(foreground: .ansi(9), background: .ansi(4), attributes: [.bold, .reverse]))
                == "\(escape)[1;7;91;44m")
        #expect(ANSI.styled("x", .plain) == "x")
        #expect(ANSI.styled("x", CellStyle(attributes: .dim)) == "\(escape)[2mx\(escape)[0m")
    }

    /// [CLS] a b c MASK d e [SEP]: a prompt token, then a commit, an edit, a mask and two unchanged tokens.
    private func frame() -> StepFrame {
        let roles: [PositionRole] = [.special, .prompt, .answer, .answer, .answer, .answer, .answer, .special]
        let changes = [
            TokenChange(position: 2, kind: .commit, from: 3, to: 6, pFrom: 0, pTo: 0.8, reason: ChangeReason(.scheduled, "top-k")),
            TokenChange(position: 3, kind: .edit, from: 5, to: 7, pFrom: 0.1, pTo: 0.7, reason: ChangeReason(.editGain, "gain")),
        ]
        return StepFrame(index: 1, tokens: [1, 5, 6, 7, 3, 8, 9, 2], roles: roles,
                         confidence: [0, 0, 0.8, 0.7, 0.1, 0.95, 0.05, 0], pCurrent: [0, 0, 0.8, 0.7, 0, 0.95, 0.05, 0],
                         changes: changes, knobs: SamplerKnobs(), forwardPasses: 1)
    }

    private let pieces = PieceLookup { id in id >= 5 ? String(UnicodeScalar(UInt8(92 + id))) : "?" }  // 5 → "a"

    @Test func plainTextHasNoEscapeCodes() {
        let text = FrameText(pieces: pieces, mask: 3, theme: nil)
        let all = [text.canvas(frame(), markers: true), text.header(frame())] + text.changeLines(frame())
        #expect(all.allSatisfy { !$0.contains(escape) })
        #expect(text.canvas(frame(), markers: false) == "abc░de")
        #expect(text.canvas(frame(), markers: true) == "abc\(Markers.edit)░de")
        #expect(text.header(frame()).contains("1 commit, 1 edit"))
        #expect(text.changeLines(frame()) == ["  pos 2 commit MASK → \"b\"  p 0.00 → 0.80  (top-k)",
                                              "  pos 3 edit \"a\" → \"c\"  p 0.10 → 0.70  (gain)"])
    }

    @Test func colouredTextUsesTheTUIRampAndChangeStyles() {
        let theme = Theme(depth: .palette256)
        let canvas = FrameText(pieces: pieces, mask: 3, theme: theme).canvas(frame(), markers: false)
        let ramp = { (p: Double) in "38;5;\(ConfidenceRamp.paletteIndex(p))" }
        #expect(canvas.contains("\(escape)[4;\(ramp(0.8))mb"), "commit: underlined, ramp colour")
        #expect(canvas.contains("\(escape)[7;\(ramp(0.7))mc"), "edit: reversed, ramp colour")
        #expect(canvas.contains("\(escape)[\(ramp(0.95))md"), "unchanged token: ramp colour only")
        #expect(canvas.contains(ANSI.sgr(theme.style(.mask)) + "░"), "mask in the TUI's mask style")
        #expect(canvas.contains(ANSI.sgr(theme.style(.prompt)) + "a"), "prompt in the TUI's prompt style")
        #expect(ConfidenceRamp.paletteIndex(0.95) != ConfidenceRamp.paletteIndex(0.05))
        #expect(canvas.contains("\(escape)[\(ramp(0.05))me"))
    }

    @Test func neighboursInOneStyleShareAnEscape() {
        var frame = frame()
        frame.changes = []
        frame.confidence = [Float](repeating: 0.9, count: frame.tokens.count)
        frame.tokens[4] = 9
        let canvas = FrameText(pieces: pieces, mask: 3, theme: Theme(depth: .palette256)).canvas(frame, markers: true)
        #expect(canvas.hasSuffix("\(escape)[38;5;\(ConfidenceRamp.paletteIndex(0.9))mbcede\(ANSI.reset)"))
    }
}
