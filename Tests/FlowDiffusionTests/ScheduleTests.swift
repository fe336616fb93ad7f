import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct ScheduleTests {
    @Test(arguments: [
        (UnmaskSchedule.linear, 10, 4, [3, 3, 2, 2]),
        (.linear, 8, 8, [1, 1, 1, 1, 1, 1, 1, 1]),
        (.linear, 3, 5, [1, 1, 1, 0, 0]),
        (.linear, 7, 1, [7]),
    ])
    func linearMatchesLLaDASplit(schedule: UnmaskSchedule, masks: Int, steps: Int, expected: [Int]) {
        #expect(schedule.commitsPerStep(steps: steps, initialMasks: masks) == expected)
    }

    @Test(arguments: [(16, 4), (64, 8), (8, 8), (33, 7), (100, 3), (5, 2)])
    func cosineCommitsEveryMaskWithAtLeastOnePerStep(masks: Int, steps: Int) {
        let counts = UnmaskSchedule.cosine.commitsPerStep(steps: steps, initialMasks: masks)
        #expect(counts.reduce(0, +) == masks)
        #expect(counts.allSatisfy { $0 >= 1 })
        // MaskGIT's curve commits few early and many late.
        #expect(counts.first! <= counts.last!)
    }

    @Test func cosineWithFewerMasksThanStepsStillFinishes() {
        let counts = UnmaskSchedule.cosine.commitsPerStep(steps: 8, initialMasks: 3)
        #expect(counts.reduce(0, +) == 3)
        #expect(counts.allSatisfy { $0 >= 0 })
    }

    /// Through the whole loop: every schedule commits exactly L tokens in K steps (edits off).
    @Test(arguments: [
        (UnmaskSchedule.linear, 16, 8, 0), (.linear, 16, 16, 0), (.linear, 20, 6, 0), (.linear, 16, 8, 4),
        (.cosine, 16, 8, 0), (.cosine, 24, 5, 0), (.cosine, 16, 8, 8),
    ])
    func loopCommitsExactlyLTokensInKSteps(schedule: UnmaskSchedule, length: Int, steps: Int, block: Int) throws {
        let denoiser = ScriptedDenoiser(vocabularySize: 30, script: randomLogits(seed: 3, vocabularySize: 30))
        let settings = knobs(.llada, steps: steps, length: length) { $0.schedule = schedule; $0.blockLength = block }
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: length), knobs: settings)
        let taken = try refiner.run()
        #expect(taken.count == steps)
        #expect(taken.reduce(0) { $0 + $1.changes(of: .commit).count } == length)
        #expect(refiner.canvas.maskedCount == 0)
        if block == 0 {
            #expect(taken.map { $0.changes(of: .commit).count } == schedule.commitsPerStep(steps: steps, initialMasks: length))
        }
    }

    @Test func thresholdCommitsAtLeastOneAndFinishesWithinTheBudget() throws {
        let denoiser = ScriptedDenoiser(vocabularySize: 30, script: randomLogits(seed: 5, vocabularySize: 30, scale: 1))
        let settings = knobs(.llada, steps: 6, length: 12) { $0.schedule = .threshold; $0.tauUnmask = 0.99 }
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: settings)
        let taken = try refiner.run()
        #expect(taken.count == 6)
        #expect(taken.allSatisfy { !$0.changes(of: .commit).isEmpty })
        #expect(taken.last!.changes(of: .commit).allSatisfy { $0.reason.code == .deadline })
        #expect(refiner.canvas.maskedCount == 0)
    }

    @Test func thresholdCommitsEveryConfidentMaskAtOnce() throws {
        let target: [TokenID] = [1, 4, 5, 6] + [10, 11, 12, 13, 14, 15] + [2]
        let denoiser = ScriptedDenoiser(script: targetLogits(target, vocabularySize: 32, strength: 12))
        let settings = knobs(.llada, steps: 6, length: 6) { $0.schedule = .threshold; $0.tauUnmask = 0.9 }
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 6), knobs: settings)
        let step = try refiner.step()
        let first = try #require(step)
        #expect(first.changes(of: .commit).count == 6)
        #expect(first.changes.allSatisfy { $0.reason.code == .aboveThreshold })
        #expect(refiner.canvas.tokens == target)
    }
}
