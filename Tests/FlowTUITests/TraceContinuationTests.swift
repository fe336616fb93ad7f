import FlowCore
import FlowDiffusion
import Testing
@testable import FlowTUI

/// A trace opened with a model loaded is the loop's history: Space, f and knob changes continue from the
/// replayed frame on screen (they used to ask the Refiner of the canvas shown before the trace).
@Suite struct TraceContinuationTests {
    /// Three steps of "the mind is", saved as frames the way a trace holds them (no loop nodes).
    func recordedTrace() throws -> [StepFrame] {
        let live = Harness()
        try live.press(.character("e"), .enter, .character(" "), .character(" "), .character(" "))
        return try #require(live.state.history?.frames).map { frame in
            var replayed = frame
            replayed.nodeID = nil
            return replayed
        }
    }

    /// A harness on another prompt, so its own Refiner's canvas differs from the trace's.
    func elsewhere() throws -> Harness {
        let harness = Harness(prompt: "a river")
        try harness.press(.character("e"), .enter, .character(" "))
        return harness
    }

    @Test func spaceAtTheEndOfATraceStepsFromItsLastCanvas() throws {
        let trace = try recordedTrace()
        let harness = try elsewhere()
        try harness.openTrace(trace)
        try harness.press(.character("G"))
        let calls = harness.denoiser.calls
        try harness.press(.character(" "))
        let history = try #require(harness.state.history)
        #expect(harness.denoiser.calls == calls + 1 && history.frames.count == trace.count + 1)
        let step = try #require(history.last.source)
        #expect(step.before == trace[trace.count - 1].tokens, "the step ran on the trace's last canvas")
        let refiner = try #require(harness.refiner(.main))
        #expect(refiner.initialCanvas.tokens == trace[0].tokens)
        #expect(history.frames.dropFirst().compactMap(\.nodeID) == refiner.path, "the frames are the loop's path")
    }

    @Test func aForceOnAReplayedFrameForksFromIt() throws {
        let trace = try recordedTrace()
        let harness = try elsewhere()
        try harness.openTrace(trace)
        try harness.press(.right)  // frame 1
        let frame = try #require(harness.state.currentFrame)
        harness.state.cursor = try #require(frame.editable.firstIndex(of: true))
        try harness.press(.tab, .down, .character("f"), .tab, .tab)
        let history = try #require(harness.state.history)
        #expect(history.branches.count == 2 && history.current.isUserForce)
        let refiner = try #require(harness.refiner(.main))
        let forceNode = try #require(history.current.nodeID)
        let forced = try #require(refiner.node(forceNode)?.value.force)
        #expect(refiner.canvas.tokens[forced.position] == forced.to)
        var expected = frame.tokens
        expected[forced.position] = forced.to
        #expect(refiner.canvas.tokens == expected, "forced over the replayed frame's canvas")
    }

    @Test func aTraceTheModelCannotTakeIsReplayOnly() throws {
        var trace = try recordedTrace()
        for index in trace.indices { trace[index].tokens[1] = 25 }  // written by a model with a larger vocabulary
        let harness = try elsewhere()
        try harness.openTrace(trace)
        let refused = harness.state.traceRefusal != nil && harness.state.statusIsError
        #expect(refused)
        try harness.press(.character("G"))
        let calls = harness.denoiser.calls
        try harness.press(.character(" "))
        let unchanged = harness.denoiser.calls == calls && harness.state.history?.frames.count == trace.count
        let explained = harness.state.statusIsError
        #expect(unchanged && explained)
        try harness.press(.character("r"))
        let afresh = harness.state.traceRefusal == nil && harness.state.history?.frames.count == 1
        #expect(afresh, "r starts afresh")
    }
}
