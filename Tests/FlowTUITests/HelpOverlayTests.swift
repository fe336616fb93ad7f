import Testing
@testable import FlowTUI

@Suite struct HelpOverlayTests {
    static let sizes = [(60, 16), (80, 24), (100, 30), (120, 40), (200, 60)]

    /// At every size, on every screen, each binding's help (and what the mouse does there) is there in full (wrapped, never cut short), in
    /// table order, and no row is wider than its column.
    @Test(arguments: sizes)
    func everyHelpTextIsShownWhole(size: (Int, Int)) {
        for screen in Screen.allCases {
            var state = Harness().state
            state.screen = screen
            let layout = HelpLayout(state, width: size.0, height: size.1)
            var texts: [String] = []
            for row in layout.columns.flatMap({ $0 }) {
                let line: String
                switch row {
                case let .binding(_, text): line = text; texts.append(text)
                case let .continuation(text): line = text; texts[texts.count - 1] += " " + text
                default: continue
                }
                #expect(DisplayWidth.of(line) <= layout.columnWidth - layout.keyWidth)
            }
            let mouse = KeyMap.mouseActions.filter { $0.scopes.contains(screen.keyScope) }.map(\.help)
            #expect(texts == KeyMap.helpGroups(for: screen.keyScope).flatMap(\.bindings).map(\.help) + mouse,
                    "\(screen) \(size)")
            #expect(layout.columns.count * (layout.columnWidth + HelpLayout.gap) - HelpLayout.gap <= size.0 - 6)
            #expect(layout.columns.allSatisfy { $0.count <= layout.rowsPerColumn } || layout.maxScroll > 0)
        }
    }

    @Test func fitsWithoutScrollingWhenThereIsRoom() {
        let state = Harness().state
        #expect(HelpLayout(state, width: 120, height: 40).maxScroll == 0)
        #expect(HelpLayout(state, width: 80, height: 24).maxScroll > 0)
    }

    /// On 80×24 the help scrolls by line, page and to either end, stays within its rows, and opens at the top.
    @Test func scrollsWithinItsRows() throws {
        let harness = Harness()
        harness.state.screenWidth = 80; harness.state.screenHeight = 24
        try harness.press(.character("?"))
        let layout = HelpLayout(harness.state, width: 80, height: 24)
        #expect(harness.state.helpScroll == 0)
        try harness.press(.up)
        #expect(harness.state.helpScroll == 0)
        try harness.press(.down, .down)
        #expect(harness.state.helpScroll == 2)
        try harness.press(.pageDown)
        #expect(harness.state.helpScroll == min(layout.maxScroll, 2 + layout.rowsPerColumn - 1))
        try harness.press(.end, .down)
        #expect(harness.state.helpScroll == layout.maxScroll)
        let bottom = render(harness.state, width: 80, height: 24).textSnapshot()
        #expect(bottom.contains("Legend") && bottom.contains("of \(layout.columns[0].count) "))
        try harness.press(.home)
        #expect(harness.state.helpScroll == 0)
        try harness.press(.end, .character("?"), .character("?"))
        #expect(harness.state.showHelp && harness.state.helpScroll == 0)
    }
}
