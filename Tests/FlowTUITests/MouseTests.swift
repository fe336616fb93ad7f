import FlowCore
import FlowDiffusion
import Testing
@testable import FlowTUI

/// Clicks and the wheel, at cells found on the rendered screen, so the hit tests and the drawing agree.
@Suite struct MouseTests {
    func started(steps: Int = 0) throws -> Harness {
        let harness = Harness()
        try harness.press(.character("e"), .enter)
        for _ in 0..<steps { try harness.press(.character(" ")) }
        return harness
    }

    /// The cell where `text` first appears on screen (row, column), searching rows from `fromRow`.
    func cell(of text: String, in state: AppState, fromRow: Int = 0) throws -> (x: Int, y: Int) {
        let rows = render(state, width: state.screenWidth, height: state.screenHeight).textSnapshot()
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (y, row) in rows.enumerated() where y >= fromRow {
            if let range = row.range(of: text) { return (row.distance(from: row.startIndex, to: range.lowerBound), y) }
        }
        throw MouseTestError.notOnScreen(text)
    }
    enum MouseTestError: Error { case notOnScreen(String) }

    @Test func clickingATokenMovesTheCursorThere() throws {
        let harness = try started()
        let canvasTop = VisualizerLayout(width: 80, height: 24).canvas.y + 1
        let mind = try cell(of: "mind", in: harness.state, fromRow: canvasTop)
        try harness.send(.mouse(MouseEvent(.press, x: mind.x + 1, y: mind.y)))
        let frame = try #require(harness.state.currentFrame)
        #expect(ScriptedDenoiser.pieces(frame.tokens[harness.state.cursor]) == " mind")
        #expect(harness.state.focus == .canvas)
        // A click on empty canvas leaves the cursor; one on the inspector moves the focus.
        let cursor = harness.state.cursor
        try harness.send(.mouse(MouseEvent(.press, x: 2, y: VisualizerLayout(width: 80, height: 24).canvas.bottom - 1)))
        #expect(harness.state.cursor == cursor)
        let inspector = VisualizerLayout(width: 80, height: 24).inspector
        try harness.send(.mouse(MouseEvent(.press, x: inspector.x + 2, y: inspector.y + 3)))
        #expect(harness.state.focus == .inspector && harness.state.cursor == cursor)
    }

    /// A click on a top-k row chooses that candidate, as ↑/↓ do in the inspector; `f` then forces it.
    @Test func clickingACandidateChoosesIt() throws {
        let harness = try started(steps: 2)
        let frame = try #require(harness.state.currentFrame)
        #expect(frame.candidates(at: harness.state.cursor).count >= 3)
        let inspector = VisualizerLayout(width: 80, height: 24).inspector
        let title = try cell(of: "Top-k", in: harness.state, fromRow: inspector.y)
        try harness.send(.mouse(MouseEvent(.press, x: inspector.x + 4, y: title.y + 2)))
        #expect(harness.state.focus == .inspector && harness.state.candidateIndex == 1)
        let rows = render(harness.state, width: 80, height: 24).textSnapshot()
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows[title.y + 2].contains("▸"), "\(rows[title.y + 2])")
        // Below the candidates: the choice stays.
        try harness.send(.mouse(MouseEvent(.press, x: inspector.x + 4, y: inspector.bottom - 1)))
        #expect(harness.state.candidateIndex == 1)
    }

    /// On the heatmap (`h`) a click views that row's step with the cursor on that column's position.
    @Test func clickingTheHeatmapViewsThatStepAtThatPosition() throws {
        let harness = try started(steps: 3)
        try harness.press(.character("h"))
        let canvas = VisualizerLayout(width: 80, height: 24).canvas
        let window = try HeatmapWindow(#require(harness.state.history), in: canvas)
        #expect(window.steps == 0...3)
        let frame = try #require(harness.state.currentFrame)
        let editable = try #require(frame.roles.firstIndex { $0.isEditable })
        let column = editable / window.positionsPerColumn(frame.tokens.count)
        // Row 1 is step 1 (rows start under the title).
        try harness.send(.mouse(MouseEvent(.press, x: canvas.x + HeatmapWindow.labelWidth + column, y: canvas.y + 2)))
        #expect(harness.state.history?.viewIndex == 1)
        #expect(harness.state.cursor == column * window.positionsPerColumn(frame.tokens.count))
        // The step labels and the rows below the last step do nothing.
        try harness.send(.mouse(MouseEvent(.press, x: canvas.x + 1, y: canvas.y + 3)))
        try harness.send(.mouse(MouseEvent(.press, x: canvas.x + 8, y: canvas.y + 9)))
        #expect(harness.state.history?.viewIndex == 1)
    }

    @Test func theWheelStepsThroughHistoryAndAClickOnTheTimelineViewsThatStep() throws {
        let harness = try started(steps: 3)
        #expect(harness.state.history?.viewIndex == 3)
        try harness.send(.mouse(MouseEvent(.wheelUp, x: 10, y: 5)))
        try harness.send(.mouse(MouseEvent(.wheelUp, x: 10, y: 5)))
        #expect(harness.state.history?.viewIndex == 1)
        try harness.send(.mouse(MouseEvent(.wheelDown, x: 10, y: 5)))
        #expect(harness.state.history?.viewIndex == 2)
        let timeline = VisualizerLayout(width: 80, height: 24).timeline
        // Columns after the labels are steps 0, 1, 2, 3 of the window.
        try harness.send(.mouse(MouseEvent(.press, x: timeline.x + TimelineWindow.labelWidth, y: timeline.y + 1)))
        #expect(harness.state.history?.viewIndex == 0 && harness.state.focus == .timeline)
        try harness.send(.mouse(MouseEvent(.press, x: timeline.x + TimelineWindow.labelWidth + 3, y: timeline.y + 2)))
        #expect(harness.state.history?.viewIndex == 3)
        // Past the last step, and on the labels: nothing.
        try harness.send(.mouse(MouseEvent(.press, x: timeline.x + TimelineWindow.labelWidth + 9, y: timeline.y + 2)))
        try harness.send(.mouse(MouseEvent(.press, x: timeline.x + 2, y: timeline.y + 2)))
        #expect(harness.state.history?.viewIndex == 3)
        // No forward pass ran for any of it.
        #expect(harness.state.history?.frames.count == 4)
    }

    @Test func helpScrollsWithTheWheelAndOtherOverlaysTakeNoClicks() throws {
        let harness = try started(steps: 2)
        try harness.press(.character("?"))
        try harness.send(.mouse(MouseEvent(.wheelDown, x: 10, y: 10)))
        try harness.send(.mouse(MouseEvent(.wheelDown, x: 10, y: 10)))
        #expect(harness.state.helpScroll == 2 && harness.state.history?.viewIndex == 2)
        try harness.send(.mouse(MouseEvent(.wheelUp, x: 10, y: 10)))
        #expect(harness.state.helpScroll == 1)
        try harness.press(.escape)

        try harness.press(.character("e"))
        try harness.send(.mouse(MouseEvent(.wheelUp, x: 10, y: 5)))
        #expect(harness.state.history?.viewIndex == 2 && harness.state.textField != nil)
        try harness.press(.escape)

        harness.state.screenWidth = 40  // "terminal too small": the screen has no panels to hit
        try harness.send(.mouse(MouseEvent(.wheelUp, x: 10, y: 5)))
        #expect(harness.state.history?.viewIndex == 2)
    }

    /// Presses and wheel turns anywhere, edges and beyond included, on every screen and overlay and at
    /// several sizes: nothing traps, and the cursor and the viewed step stay in range.
    @Test func anyReportAnywhereKeepsTheStateInRange() throws {
        var random = FlowRandom(seed: 11)
        let kinds: [MouseEvent.Kind] = [.press, .wheelUp, .wheelDown]
        for (width, height) in [(60, 16), (80, 24), (131, 41)] {
            let harness = try started(steps: 4)
            harness.state.screenWidth = width; harness.state.screenHeight = height
            for round in 0..<600 {
                switch round % 150 {
                case 50: try harness.press(.character("h"))
                case 100: try harness.press(.character("?"))
                case 120: try harness.press(.escape, .character("2"))
                case 140: try harness.press(.character("1"))
                default: break
                }
                let x = random.nextInt(below: width + 4) - 2, y = random.nextInt(below: height + 4) - 2
                try harness.send(.mouse(MouseEvent(kinds[random.nextInt(below: 3)], x: x, y: y)))
                let history = try #require(harness.state.history)
                #expect(history.frames.indices.contains(history.viewIndex))
                #expect(history.current.tokens.indices.contains(harness.state.cursor))
            }
        }
    }
}
