/// The mouse does what keys already do, where the pointer is: a click on a token moves the cursor there (on
/// the heatmap, to that position at that step), one on a top-k candidate chooses it (for `f`), one on the
/// timeline views that step, and the wheel steps through history (or scrolls the help).
extension AppState {
    mutating func handleMouse(_ event: MouseEvent) -> [Effect] {
        guard textField == nil, screenWidth >= MinimumSize.width, screenHeight >= MinimumSize.height else { return [] }
        if showHelp {
            switch event.kind {
            case .wheelUp: return run(.scrollHelp(.lineUp))
            case .wheelDown: return run(.scrollHelp(.lineDown))
            case .press: return []
            }
        }
        switch event.kind {
        case .wheelUp: return screen == .train ? [] : run(.historyBack)
        case .wheelDown: return screen == .train ? [] : run(.historyForward)
        case .press: return screen == .visualizer ? pressInVisualizer(x: event.x, y: event.y) : []
        }
    }

    private mutating func pressInVisualizer(x: Int, y: Int) -> [Effect] {
        let layout = self.layout
        if layout.canvas.contains(x: x, y: y) {
            focus = .canvas
            if heatmap, let history {
                guard let (step, position) = HeatmapWindow(history, in: layout.canvas).hit(x: x, y: y, history: history)
                else { return [] }
                self.history?.view(step)
                moveCursor(to: position)
                return []
            }
            guard let frame = currentFrame else { return [] }
            let canvas = canvasLayout(of: frame)
            let top = canvas.scrollTop(cursor: cursor, rows: layout.canvas.height - 1)
            if let position = canvas.position(line: y - layout.canvas.y - 1 + top, column: x - layout.canvas.x - 1) {
                moveCursor(to: position)
            }
        } else if layout.inspector.contains(x: x, y: y) {
            focus = .inspector
            if let frame = currentFrame, cursor < frame.tokens.count {
                let rows = InspectorLayout(self, frame: frame, in: layout.inspector).candidateRows
                if rows.contains(y) { candidateIndex = y - rows.lowerBound }
            }
        } else if layout.timeline.contains(x: x, y: y), let history {
            focus = .timeline
            if let step = TimelineWindow(history, width: layout.timeline.width).step(atColumn: x - layout.timeline.x) {
                self.history?.view(step)
            }
        }
        return []
    }
}
