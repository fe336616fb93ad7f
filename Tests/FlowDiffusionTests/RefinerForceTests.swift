import FlowCore
import Testing
@testable import FlowDiffusion

/// A forced token is a node of the Refiner's tree, so the UI can step from it, step back over it and fork
/// there without replaying anything; it is no step (traces and step counts leave it out).
@Suite struct RefinerForceTests {
    private func makeRefiner() throws -> (Refiner, ScriptedDenoiser) {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 21, vocabularySize: 32))
        let settings = knobs(.flowlm, steps: 6, length: 12) { $0.tauEdit = 0.2; $0.delta = 0.05; $0.editGate = 0 }
        return (try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: settings), denoiser)
    }

    @Test func aForceIsANodeButNoStep() throws {
        let (refiner, denoiser) = try makeRefiner()
        try refiner.step()
        let before = refiner.canvas
        let position = refiner.initialCanvas.editablePositions[3]
        let change = try refiner.force(ForcedToken(position: position, token: 29, shownProbabilityBefore: 0.25,
                                                   shownProbability: 0.5))
        #expect(change.kind == .force && change.pFrom == 0.25 && change.pTo == 0.5)
        let forceNode = try #require(refiner.cursor)
        #expect(refiner.node(forceNode)?.value.force == change && refiner.node(forceNode)?.value.step == nil)
        #expect(refiner.path.count == 2 && refiner.history.count == 1 && refiner.recordedStepCount == 1)
        #expect(refiner.pendingForces == [change] && refiner.canvas.tokens[position] == 29)

        let next = try #require(try refiner.step())
        #expect(next.changes.first?.kind == .force && next.changes.first?.pFrom != 0.25, "the step reports the model's probabilities")
        #expect(refiner.history.count == 2 && refiner.recordedSteps.count == 2 && refiner.pendingForces.isEmpty)

        // Back over the step and the force: the canvas before the force, with nothing pending.
        #expect(refiner.stepBack() && refiner.cursor == forceNode && refiner.stepBack())
        #expect(refiner.canvas == before && refiner.pendingForces.isEmpty)
        // From the force node again, the recorded step is re-visited, not recomputed.
        try refiner.select(node: forceNode)
        let calls = denoiser.calls
        #expect(try refiner.step() == next && denoiser.calls == calls)
    }

    @Test func aForceHasNothingToReplan() throws {
        let (refiner, _) = try makeRefiner()
        try refiner.step()
        try refiner.force(token: 29, at: refiner.initialCanvas.editablePositions[0])
        var other = refiner.knobs
        other.tauEdit = 0.5
        #expect(try refiner.replan(knobs: other) == nil)
        #expect(refiner.knobs.tauEdit == 0.5, "the knobs apply from the next step")
    }
}
