import FlowDiffusion
import Testing
@testable import FlowTUI

/// Every screen and overlay as text plus a style map, at the minimum 60×16, 80×24 and 120×40 (and too small).
/// Re-record with `FLOWLM_RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests` and review the diff.
@Suite struct SnapshotTests {
    static let sizes = [(60, 16), (80, 24), (120, 40)]

    /// The visualizer after a few steps with the cursor on the most recently edited position.
    func steppedHarness(depth: ColorDepth = .palette256, steps: Int = 4) throws -> Harness {
        let harness = Harness(depth: depth)
        try harness.press(.character("e"), .enter)
        for _ in 0..<steps { try harness.press(.character(" ")) }
        let frames = try #require(harness.state.history?.frames)
        let edited = frames.last { $0.count(.edit) > 0 }?.changes.first { $0.kind == .edit }?.position
        harness.state.cursor = edited ?? (frames[0].editable.firstIndex(of: true) ?? 0)
        return harness
    }

    func check(_ state: AppState, _ name: String) {
        for (width, height) in Self.sizes {
            var sized = state
            sized.screenWidth = width; sized.screenHeight = height
            assertSnapshot(render(sized, width: width, height: height), named: "\(name)-\(width)x\(height)")
        }
    }

    @Test func visualizer() throws {
        check(try steppedHarness().state, "visualizer")
    }

    @Test func visualizerInspectorFocus() throws {
        let harness = try steppedHarness()
        try harness.press(.tab, .down, .character("p"))
        check(harness.state, "visualizer-inspector")
    }

    @Test func visualizerMonochromeAnd16Colours() throws {
        check(try steppedHarness(depth: .monochrome).state, "visualizer-mono")
        check(try steppedHarness(depth: .ansi16).state, "visualizer-16")
    }

    @Test func visualizerFinished() throws {
        check(try steppedHarness(steps: 40).state, "visualizer-finished")
    }

    @Test func heatmap() throws {
        let harness = try steppedHarness(steps: 10)
        try harness.press(.character("h"))
        check(harness.state, "heatmap")
    }

    @Test func helpOverlay() throws {
        let harness = try steppedHarness()
        try harness.press(.character("?"))
        check(harness.state, "help")
    }

    @Test func promptEditorAndOpenTrace() throws {
        let harness = try steppedHarness()
        try harness.press(.character("e"))
        try harness.type(" {{4}} sings")
        check(harness.state, "prompt-editor")
        try harness.press(.escape, .character("o"))
        check(harness.state, "open-trace")
    }

    @Test func abView() throws {
        let harness = try steppedHarness()
        try harness.press(.character("2"))
        for _ in 0..<6 { try harness.press(.character(" ")) }
        check(harness.state, "ab")
    }

    @Test func noModel() {
        let state = AppState(modelName: "none", hasModel: false, pieces: ScriptedDenoiser.pieces,
                             maskToken: ScriptedDenoiser.special.mask, theme: Theme(depth: .palette256))
        check(state, "visualizer-empty")
    }

    @Test func trainScreen() throws {
        let harness = try steppedHarness()
        try harness.press(.character("3"))
        var progress = TrainingProgress()
        progress.phase = .running
        progress.step = 1200; progress.totalSteps = 3000
        progress.tokensPerSecond = 18_250; progress.etaSeconds = 412; progress.learningRate = 3e-4
        // The six curves a real run posts (TrainingProgressBuilder): their legend needs more than one line at 80 columns.
        let kinds = [("loss masked", 3.2), ("loss substituted", 2.6), ("loss kept", 0.9), ("val masked", 3.4),
                     ("val substituted", 2.8), ("val kept", 1.0)]
        progress.curves = kinds.map { name, start in
            Curve(name: name, points: stride(from: 0, through: 1200, by: 50).map { step in
                CurvePoint(step: step, value: start * (0.35 + 0.65 / (1 + Double(step) / 300)))
            })
        }
        progress.accuracyMasked = 0.412; progress.accuracySubstituted = 0.655; progress.accuracyKept = 0.973
        progress.sampleStep = 1200
        progress.sampleText = "To be, or not to be, that is the question: whether tis nobler in the mind to suffer"
        try harness.send(.training(progress))
        check(harness.state, "train")
        let text = render(harness.state, width: 120, height: 40).textSnapshot()
        for (name, _) in kinds { #expect(text.contains("━ \(name)"), "legend lacks \(name)") }
        let narrow = render(harness.state, width: 80, height: 24).textSnapshot()
        for name in ["masked", "subst.", "kept", "val·masked", "val·subst.", "val·kept"] {
            #expect(narrow.contains("━ \(name)"), "80-column legend lacks \(name)")
        }
        let idle = AppState(modelName: "none", hasModel: false, pieces: ScriptedDenoiser.pieces,
                            maskToken: ScriptedDenoiser.special.mask, theme: Theme(depth: .monochrome))
        var idleTrain = idle
        idleTrain.screen = .train
        check(idleTrain, "train-idle-mono")
    }

    @Test func tooSmall() throws {
        let state = try steppedHarness().state
        let grid = render(state, width: 50, height: 12)
        #expect(grid.textSnapshot().contains("terminal too small (need 60×16)"))
        assertSnapshot(grid, named: "too-small-50x12")
    }
}
