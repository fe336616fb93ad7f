import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct RefinerHistoryTests {
    private func makeRefiner(seed: UInt64 = 21) throws -> (Refiner, ScriptedDenoiser) {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: seed, vocabularySize: 32))
        let settings = knobs(.flowlm, steps: 6, length: 12) { $0.tauEdit = 0.2; $0.delta = 0.05; $0.editGate = 0 }
        return (try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: settings), denoiser)
    }

    @Test func replanUsesTheCachedLogitsAndTheNewKnobs() throws {
        let (refiner, denoiser) = try makeRefiner()
        try refiner.step()
        try refiner.step()
        let calls = denoiser.calls
        var other = refiner.knobs
        other.sampler = .llada
        other.steps = 2
        let replanned = try #require(try refiner.replan(knobs: other))
        #expect(denoiser.calls == calls)
        #expect(replanned.index == 1)
        #expect(replanned.changes.allSatisfy { $0.kind == .commit })
        // Two steps over 12 masks: the second of two steps commits what the first left.
        #expect(refiner.canvas.maskedCount == 0)
        #expect(refiner.history.count == 2)
    }

    @Test func retainFreesEveryStepOffTheKeptBranch() throws {
        let (refiner, _) = try makeRefiner()
        let first = try refiner.run(maxSteps: 3)
        let firstTip = try #require(refiner.cursor)
        #expect(refiner.stepBack() && refiner.stepBack())
        var other = refiner.knobs
        other.maxEditsPerStep = 1
        try refiner.setKnobs(other)
        _ = try refiner.run(maxSteps: 2)
        let secondTip = try #require(refiner.cursor)
        #expect(refiner.recordedStepCount == 5 && refiner.leaves.count == 2)

        refiner.retain(nodes: [firstTip])
        #expect(refiner.recordedStepCount == 3 && refiner.leaves == [firstTip])
        #expect(refiner.node(secondTip) == nil && refiner.cursor == nil, "the cursor left the freed branch")
        try refiner.select(node: firstTip)
        #expect(refiner.history == first)
    }

    @Test func steppingAgainWithTheSameKnobsRevisitsTheRecordedStep() throws {
        let (refiner, denoiser) = try makeRefiner()
        let first = try refiner.run(maxSteps: 3)
        let calls = denoiser.calls
        #expect(refiner.stepBack())
        #expect(refiner.stepBack())
        let again = try refiner.run(maxSteps: 2)
        #expect(again == Array(first[1...2]))
        #expect(denoiser.calls == calls)
        #expect(refiner.leaves.count == 1)
    }

    @Test func otherKnobsAfterSteppingBackMakeABranchAndKeepTheOldFuture() throws {
        let (refiner, _) = try makeRefiner()
        let original = try refiner.run()
        let oldLeaf = try #require(refiner.cursor)
        for _ in 0..<(original.count - 2) { refiner.stepBack() }
        var other = refiner.knobs
        other.tauEdit = 0.9
        try refiner.setKnobs(other)
        let branch = try refiner.run()
        #expect(refiner.leaves.count == 2)
        #expect(refiner.history.prefix(2) == original.prefix(2))
        #expect(branch.first?.index == 2)
        // The old future is still there.
        try refiner.select(node: oldLeaf)
        #expect(refiner.history == original)
        #expect(refiner.knobs.tauEdit == 0.2)
        // The branch can be discarded once the cursor is elsewhere; the current path cannot.
        let newLeaf = try #require(refiner.leaves.first { $0 != oldLeaf })
        try refiner.discardBranch(endingAt: newLeaf)
        #expect(refiner.children(of: refiner.path[1]).count == 1)
        #expect(refiner.leaves == [oldLeaf])
        #expect(throws: DiffusionError.self) { try refiner.discard(node: oldLeaf) }
    }

    @Test func replanningAStepWithAFutureMakesASibling() throws {
        let (refiner, _) = try makeRefiner()
        _ = try refiner.run(maxSteps: 3)
        refiner.stepBack()
        let parent = refiner.node(try #require(refiner.cursor))?.parent
        var other = refiner.knobs
        other.maxEditsPerStep = 0
        try refiner.replan(knobs: other)
        #expect(refiner.children(of: parent).count == 2)
        #expect(refiner.leaves.count == 2)
    }

    @Test func forcingAfterSteppingBackBranchesInsteadOfRevisiting() throws {
        let (refiner, _) = try makeRefiner()
        _ = try refiner.run(maxSteps: 2)
        refiner.stepBack()
        let position = refiner.initialCanvas.editablePositions[5]
        try refiner.force(token: 29, at: position)
        let step = try #require(try refiner.step())
        #expect(step.before[position] == 29)
        #expect(step.changes.first?.kind == .force)
        #expect(refiner.leaves.count == 2)
    }

    @Test func stepForwardFollowsTheMostRecentChild() throws {
        let (refiner, _) = try makeRefiner()
        let taken = try refiner.run(maxSteps: 2)
        refiner.stepBack()
        #expect(refiner.stepForward() == taken[1])
        #expect(refiner.stepForward() == nil)
        refiner.stepBack(); refiner.stepBack()
        #expect(!refiner.stepBack())
        #expect(refiner.canvas == refiner.initialCanvas)
    }

    @Test func forcingAfterTheEndReopensCorrection() throws {
        let target: [TokenID] = [1, 4, 5, 6] + (10..<22).map { TokenID($0) } + [2]
        let denoiser = ScriptedDenoiser(script: targetLogits(target, vocabularySize: 32))
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: knobs(steps: 4, length: 12))
        let taken = try refiner.run()
        #expect(taken.last?.phase == .correction && taken.last?.changes.isEmpty == true)
        #expect(refiner.isFinished)
        try refiner.force(token: 28, at: refiner.initialCanvas.editablePositions[0])
        #expect(!refiner.isFinished)
        let step = try #require(try refiner.step())
        #expect(step.phase == .correction)
        #expect(step.changes.first?.kind == .force)
    }
}
