import FlowDiffusion
import Testing
@testable import FlowTUI

/// The visualizer's history follows the Refiner's tree: every frame after frame 0 shows a Refiner node, forces
/// included, and forks happen where the loop forks.
@Suite struct OneHistoryTests {
    func started() throws -> Harness {
        let harness = Harness()
        try harness.press(.character("e"), .enter, .character(" "))
        return harness
    }

    func forceSecondCandidate(_ harness: Harness) throws -> Int {
        let frame = try #require(harness.state.currentFrame)
        let position = try #require(frame.editable.firstIndex(of: true))
        harness.state.cursor = position
        try harness.press(.tab, .down, .character("f"), .tab, .tab)
        return position
    }

    /// Steps after a force extend the branch (they used to fork from the force frame, whose index the next
    /// step's frame repeats).
    @Test func stepsAfterAForceStayOnOneBranch() throws {
        let harness = try started()
        _ = try forceSecondCandidate(harness)
        try harness.press(.character(" "), .character(" "))
        let history = try #require(harness.state.history)
        #expect(history.branches.count == 1)
        #expect(history.frames.map(\.isUserForce) == [false, false, true, false, false])
        let refiner = try #require(harness.refiner(.main))
        #expect(history.frames.dropFirst().compactMap(\.nodeID) == refiner.path, "the frames are the loop's path")
        #expect(refiner.recordedStepCount == 3)
    }

    /// Stepping where the loop already holds a step with these knobs on another branch shows that branch
    /// (it used to add a copy of it as a new branch).
    @Test func aStepTheLoopAlreadyHoldsShowsItsBranch() throws {
        let harness = try started()
        try harness.press(.character(" "), .character("g"), .character("x"), .character(" "))
        var history = try #require(harness.state.history)
        #expect(history.branches.count == 2 && history.viewIndex == 1)
        let forked = history.current
        try harness.press(.character("b"), .character("g"))
        let calls = harness.denoiser.calls
        try harness.press(.character(" "))
        history = try #require(harness.state.history)
        #expect(history.branches.count == 2 && history.current == forked && harness.denoiser.calls == calls)
    }

    /// A force waits for the lane like Space does, so a slow step cannot land on the wrong frame.
    @Test func aForceWhileAStepIsInFlightIsIgnored() throws {
        let harness = try started()
        harness.holdsWork = true
        try harness.press(.character(" "))
        let pinned = harness.state.pinned
        let effects = harness.effects.count
        _ = try forceSecondCandidate(harness)
        #expect(harness.effects.count == effects && harness.state.pinned == pinned)
        try harness.release()
        #expect(harness.state.history?.frames.count == 3 && harness.state.history?.branches.count == 1)
    }

    /// Without a model there is no Refiner to record a force (it used to add a frame only the screen knew).
    @Test func replayWithoutAModelCannotForce() throws {
        let live = try started()
        let frames = try #require(live.state.history?.frames)
        var replay = AppState(modelName: "trace", hasModel: false, pieces: ScriptedDenoiser.pieces,
                              maskToken: ScriptedDenoiser.special.mask, theme: Theme(depth: .monochrome))
        replay = reduce(replay, .traceOpened(path: "t.jsonl", prompt: "the mind is", frames: frames)).0
        replay = reduce(replay, .key(.character(" "))).0
        replay.cursor = try #require(frames[1].editable.firstIndex(of: true))
        let (forced, effects) = reduce(replay, .key(.character("f")))
        #expect(effects.isEmpty && forced.statusIsError && forced.history?.frames.count == 2)
    }
}
