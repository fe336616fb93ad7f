import FlowCore
import Testing
@testable import FlowDiffusion

/// Re-planning any step in history from its kept statistics (no forward pass) gives exactly the step a forward
/// pass would give; re-plans the statistics cannot answer run a forward pass.
@Suite struct KeptStatisticsTests {
    private func makeRefiner(seed: UInt64, sampler: SamplerKind, budget: Int? = nil) throws -> (Refiner, ScriptedDenoiser) {
        let denoiser = ScriptedDenoiser(vocabularySize: 40, script: randomLogits(seed: seed, vocabularySize: 40))
        let settings = knobs(sampler, steps: 8, length: 16) { $0.tauEdit = 0.2; $0.delta = 0.05; $0.editGate = 0; $0.topK = 4 }
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 16), knobs: settings)
        if let budget { refiner.keptStatisticsBudget = budget }
        return (refiner, denoiser)
    }

    /// Knob changes a re-plan from kept statistics can serve.
    static let thresholdChanges: [@Sendable (inout SamplerKnobs) -> Void] = [
        { $0.tauEdit = 0.05 }, { $0.delta = 0 }, { $0.maxEditsPerStep = 1 }, { $0.editGate = 0.9 },
        { $0.tauUnmask = 0.3; $0.schedule = .threshold }, { $0.schedule = .cosine }, { $0.cooldown = 0 },
        { $0.sampler = .llada }, { $0.editMode = .remask }, { $0.confidence = .margin }, { $0.steps = 4 },
    ]

    @Test(arguments: 0..<8)
    func replansAnywhereInHistoryEqualAForwardPass(seed: Int) throws {
        let sampler: SamplerKind = seed % 2 == 0 ? .flowlm : .llada
        let (kept, denoiser) = try makeRefiner(seed: UInt64(seed), sampler: sampler)
        let (fresh, _) = try makeRefiner(seed: UInt64(seed), sampler: sampler, budget: 0)
        _ = try kept.run(maxSteps: 6)
        _ = try fresh.run(maxSteps: 6)
        var random = FlowRandom(seed: UInt64(seed) &+ 99)
        for round in 0..<6 {
            // Somewhere back in history, new thresholds.
            let back = Int(random.next() % 4)
            for _ in 0..<back { _ = kept.stepBack(); _ = fresh.stepBack() }
            guard kept.cursor != nil else { continue }
            var other = kept.knobs
            Self.thresholdChanges[Int(random.next() % UInt64(Self.thresholdChanges.count))](&other)
            let calls = denoiser.calls
            let fromKept = try kept.replan(knobs: other)
            let fromLogits = try fresh.replan(knobs: other)
            #expect(fromKept == fromLogits, "seed \(seed) round \(round)")
            if fromKept != nil {
                #expect(kept.lastPlanSource != .forward && denoiser.calls == calls, "round \(round): \(kept.lastPlanSource)")
            }
            _ = try kept.step(); _ = try fresh.step()
        }
    }

    @Test func replansTheStatisticsCannotAnswerRunAForwardPass() throws {
        let changes: [(inout SamplerKnobs) -> Void] = [{ $0.temperature = 0.5 }, { $0.topK = 6 }, { $0.proposal = .sample },
                                                       { $0.confidence = .negativeEntropy }]
        for change in changes {
            let (refiner, denoiser) = try makeRefiner(seed: 3, sampler: .flowlm)
            _ = try refiner.run(maxSteps: 4)
            _ = refiner.stepBack(); _ = refiner.stepBack()  // a step whose logits are no longer cached
            var other = refiner.knobs
            change(&other)
            let calls = denoiser.calls
            #expect(try refiner.replan(knobs: other) != nil)
            #expect(refiner.lastPlanSource == .forward && denoiser.calls == calls + 1)
        }
    }

    @Test func nothingIsKeptBeyondTheBudget() throws {
        let (refiner, denoiser) = try makeRefiner(seed: 5, sampler: .flowlm, budget: 1)
        _ = try refiner.run(maxSteps: 4)
        _ = refiner.stepBack(); _ = refiner.stepBack()
        var other = refiner.knobs
        other.tauEdit = 0.05
        let calls = denoiser.calls
        _ = try refiner.replan(knobs: other)
        #expect(refiner.lastPlanSource == .forward && denoiser.calls == calls + 1)
    }
}
