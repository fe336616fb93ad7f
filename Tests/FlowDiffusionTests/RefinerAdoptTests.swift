import FlowCore
import Testing
@testable import FlowDiffusion

/// A canvas reached elsewhere (a replayed trace's step) becomes a node the loop continues from.
@Suite struct RefinerAdoptTests {
    private func makeRefiner() throws -> (Refiner, ScriptedDenoiser) {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 5, vocabularySize: 32))
        let settings = knobs(.flowlm, steps: 6, length: 8) { $0.tauEdit = 0.2; $0.delta = 0.05; $0.editGate = 0 }
        return (try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 8), knobs: settings), denoiser)
    }

    /// The canvas of a step computed by another loop, with its masks filled the other loop's way.
    private func elsewhere(_ canvas: Canvas, filling count: Int) -> [TokenID] {
        var tokens = canvas.tokens
        for (k, p) in canvas.editablePositions.prefix(count).enumerated() { tokens[p] = TokenID(10 + k) }
        return tokens
    }

    @Test func theNextStepRunsOnTheAdoptedCanvas() throws {
        let (refiner, denoiser) = try makeRefiner()
        let adopted = elsewhere(refiner.initialCanvas, filling: 4)
        let node = try refiner.adopt(adopted)
        #expect(refiner.cursor == node && refiner.canvas.tokens == adopted)
        #expect(refiner.node(node)?.value.step == nil && refiner.node(node)?.value.force == nil)
        #expect(refiner.recordedStepCount == 0 && refiner.history.isEmpty, "an adopted canvas is no step of this loop")

        let step = try #require(try refiner.step())
        #expect(step.before == adopted && denoiser.calls == 1)
        #expect(step.index == 1, "the adopted canvas counts as one step along the branch")
        #expect(refiner.path.count == 2 && refiner.node(refiner.path[0])?.value.step == nil)
    }

    @Test func aChangeOutsideTheEditablePositionsIsRefused() throws {
        let (refiner, _) = try makeRefiner()
        var tokens = refiner.initialCanvas.tokens
        tokens[1] = 20  // a prompt position
        #expect(throws: DiffusionError.self) { try refiner.adopt(tokens) }
        #expect(throws: DiffusionError.self) { try refiner.adopt(Array(tokens.prefix(4))) }
        var reserved = refiner.initialCanvas.tokens
        reserved[refiner.initialCanvas.editablePositions[0]] = testSpecials.cls
        #expect(throws: DiffusionError.self) { try refiner.adopt(reserved) }
        #expect(refiner.cursor == nil && refiner.tree.values.isEmpty, "nothing recorded")
    }

    /// Re-planning an adopted canvas computes a step from the canvas before it (a leaf is replaced).
    @Test func aReplanOfAnAdoptedCanvasComputesAStep() throws {
        let (refiner, denoiser) = try makeRefiner()
        let first = try refiner.adopt(elsewhere(refiner.initialCanvas, filling: 2))
        let second = try refiner.adopt(elsewhere(refiner.initialCanvas, filling: 4))
        var settings = refiner.knobs
        settings.tauEdit = 0.3
        let replanned = try #require(try refiner.replan(knobs: settings))
        #expect(replanned.before == refiner.node(first)?.value.stateAfter.canvas.tokens && denoiser.calls == 1)
        #expect(refiner.cursor == second && refiner.node(second)?.value.step == replanned)
    }
}
