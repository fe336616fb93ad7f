import Testing
@testable import FlowTUI

@Suite struct KeyMapTests {
    @Test func noKeyIsBoundTwiceInOneScope() {
        for scope in KeyScope.allCases {
            var seen: Set<KeyPress> = []
            for binding in KeyMap.bindings where binding.scopes.contains(scope) {
                for key in binding.keys {
                    #expect(!seen.contains(key), "\(key) bound twice in \(scope)")
                    seen.insert(key)
                }
            }
        }
    }

    @Test func pairedKeysLowerAndRaise() {
        #expect(KeyMap.command(for: .character("]"), in: .visualizer) == .raise(.tauEdit))
        #expect(KeyMap.command(for: .character("["), in: .visualizer) == .lower(.tauEdit))
        #expect(KeyMap.command(for: .left, in: .visualizer) == .historyBack)
        #expect(KeyMap.command(for: .character("g"), in: .visualizer) == .historyFirst)
        #expect(KeyMap.command(for: .character(" "), in: .train) == .trainStartPause)
        #expect(KeyMap.command(for: .escape, in: .help) == .toggleHelp)
    }

    @Test func everyIssueControlIsBound() {
        let required: [Character] = [" ", "a", "g", "G", "e", "p", "f", "r", "w", "o", "?", "q", "m", "c", "h"]
        for key in required {
            #expect(KeyMap.command(for: .character(key), in: .visualizer) != nil, "\(key) unbound")
        }
        for knob in Knob.allCases {
            #expect(KeyMap.bindings.contains { $0.command == .raise(knob) }, "\(knob) has no keys")
        }
    }

    /// A row per binding, plus the header, its rule, the help's scroll keys, a row per mouse gesture and the
    /// text fields' editing keys.
    @Test func markdownTableHasARowPerBinding() {
        let table = KeyMap.markdownTable().split(separator: "\n")
        #expect(table.count == KeyMap.bindings.count + 4 + KeyMap.mouseActions.count)
        #expect(table[table.count - 2 - KeyMap.mouseActions.count].contains("`PgDn`"))
        #expect(table.contains { $0.hasPrefix("| click | visualizer |") })
        #expect(table.last?.contains("`Ctrl-U`") == true && table.last?.contains("text fields") == true)
        #expect(table.contains { $0.contains("`[` `]`") && $0.contains("tau_edit") })
    }
}
