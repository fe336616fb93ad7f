import CNCursesW
import FlowTUI
import Testing
@testable import FlowTerminal

// FlowTerminal has no test target of its own (Package.swift is shared); its pure parts are tested here,
// and the ncurses parts by Tools/tui_e2e.sh in tmux.
@Suite struct KeyDecodingTests {
    @Test func functionKeysAndCharacters() {
        #expect(KeyDecoding.decode(status: KEY_CODE_YES, value: UInt32(KEY_LEFT)) == .left)
        #expect(KeyDecoding.decode(status: KEY_CODE_YES, value: UInt32(KEY_BTAB)) == .backTab)
        #expect(KeyDecoding.decode(status: KEY_CODE_YES, value: UInt32(KEY_F0 + 2)) == .function(2))
        #expect(KeyDecoding.decode(status: OK, value: 32) == .character(" "))
        #expect(KeyDecoding.decode(status: OK, value: 0x4E16) == .character("世"))
        #expect(KeyDecoding.decode(status: OK, value: 13) == .enter)
        #expect(KeyDecoding.decode(status: OK, value: 127) == .backspace)
        #expect(KeyDecoding.decode(status: OK, value: 27) == .escape)
        #expect(KeyDecoding.decode(status: OK, value: 1) == .control("a"))
        #expect(KeyDecoding.decode(status: OK, value: 21) == .control("u"))
        #expect(KeyDecoding.decode(status: OK, value: 26) == .control("z"))
        #expect(KeyDecoding.decode(status: OK, value: 9) == .tab)  // Ctrl-I is Tab, Ctrl-M Enter, Ctrl-H Backspace
        #expect(KeyDecoding.decode(status: OK, value: 8) == .backspace)
        #expect(KeyDecoding.decode(status: OK, value: 0) == nil)
        #expect(KeyDecoding.decode(status: OK, value: 0xD800) == nil)  // not a scalar
    }

    @Test func coloursFallBackOnSmallerTerminals() {
        let eight = ColorPairs(depth: .ansi16, terminalColors: 8, maximumPairs: 64)
        #expect(eight.number(.ansi(9)) == (1, flow_A_BOLD))  // bright red = red in bold
        #expect(eight.number(.standard).0 == -1)
        let full = ColorPairs(depth: .palette256, terminalColors: 256, maximumPairs: 65536)
        #expect(full.number(.palette(196)).0 == 196)
    }

    @Test func notATerminalErrorPointsToGenerate() {
        #expect(TerminalError.notATerminal.description.contains("flowlm generate"))
        #expect(!TerminalError.notATerminal.description.contains("\n"))
        #expect(TerminalError.notATerminal.exitCode == 2)
    }
}
