import FlowCore
import FlowTestSupport
import Foundation
import Testing
@testable import FlowDiffusion

/// Random canvases, logits and knobs under every sampler, each run's whole trace reduced to a digest and
/// compared with Fixtures/diffusion/sampler-traces.txt. The file was recorded before samplers became types
/// (issue 22 §2), so a pass says every sampler still plans exactly as the branches it replaced did; its remask
/// lines were recorded again once, for the deadline rule that ended remask runs that never finished (the llada
/// and flowlm lines are the original recording).
/// Regenerate (only for an intended change of behaviour) with
/// `FLOWLM_RECORD_SNAPSHOTS=1 swift test --filter SamplerEquivalenceTests`.
@Suite struct SamplerEquivalenceTests {
    /// The samplers as the knobs select them: (name, sampler, edit mode).
    private static let selections: [(String, SamplerKind, EditMode)] = [
        ("llada", .llada, .replace), ("flowlm", .flowlm, .replace), ("remask", .flowlm, .remask),
    ]

    @Test func everySamplerPlansAsBeforeTheRefactor() throws {
        var lines: [String] = []
        var seen = Set<String>()
        func digest(seed: UInt64, switchAt: Int? = nil, _ select: (inout SamplerKnobs) -> Void) throws -> UInt64 {
            let trace = try run(seed: seed, switchAt: switchAt, select)
            for traced in trace.steps {
                seen.insert(traced.step.phase.rawValue)
                seen.formUnion(traced.step.changes.map(\.kind.rawValue))
            }
            return fnv1a(TraceWriter.document(trace))
        }
        for seed in UInt64(0)..<40 {
            for (name, sampler, mode) in Self.selections {
                lines.append("\(name) \(seed) \(hex(try digest(seed: seed) { $0.sampler = sampler; $0.editMode = mode }))")
            }
            // Switching samplers between steps: the phase follows the knobs of the step about to run.
            let switched = try digest(seed: seed, switchAt: 2 + Int(seed % 5)) { $0.sampler = .flowlm; $0.editMode = .remask }
            lines.append("switch \(seed) \(hex(switched))")
        }
        // The runs reach every branch of the plans: both phases and every kind of change.
        #expect(seen == ["unmask", "correction", "commit", "edit", "remask", "freeze", "force"])
        let document = lines.joined(separator: "\n") + "\n"
        let url = FixturePath.url("diffusion/sampler-traces.txt")
        if ProcessInfo.processInfo.environment["FLOWLM_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try document.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let stored = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(stored.count == lines.count)
        for (now, before) in zip(lines, stored) { #expect(now == before) }
    }

    /// Every run ends within its budget: K unmask steps, then at most `correction_steps` edit-only steps (plus the
    /// one that finds nothing to do). Remasks used to keep some runs in the unmask phase forever (a remask at a
    /// block's deadline put back a mask for the next deadline to commit); they now stop at the deadline.
    @Test(arguments: Array(Self.selections.indices))
    func everyRunEndsWithinItsBudget(selection: Int) throws {
        let (_, sampler, mode) = Self.selections[selection]
        for seed in UInt64(0)..<120 {
            let trace = try run(seed: seed, switchAt: nil) { $0.sampler = sampler; $0.editMode = mode }
            let knobs = trace.header.knobs
            #expect(trace.steps.count <= knobs.steps + knobs.correctionSteps + 1, "seed \(seed)")
            #expect(trace.steps.last?.step.phaseAfter == .done, "seed \(seed) did not finish")
        }
    }

    /// The run that looped forever before the deadline rule (found by the refactor's review): remask, blocks,
    /// cosine schedule, margin confidence, sampled proposals, tau_edit 0.05, E 1, phi 0.
    @Test func remaskAtTheDeadlineNoLongerLoops() throws {
        let canvas = try Canvas.generation(prompt: [.tokens([5, 6]), .holes(1)], answerLength: 13, specialTokens: testSpecials)
        for seed in UInt64(0)..<20 {
            let settings = knobs(steps: 10, length: 13) { k in
                k.blockLength = 7; k.schedule = .cosine; k.confidence = .margin; k.proposal = .sample; k.temperature = 0.8
                k.tauEdit = 0.05; k.delta = 0.1; k.maxEditsPerStep = 1; k.editGate = 0; k.cooldown = 2; k.cycleWindow = 3
                k.editMode = .remask; k.seed = seed
            }
            let denoiser = ScriptedDenoiser(vocabularySize: 30, script: randomLogits(seed: seed, vocabularySize: 30, scale: 1.5))
            let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
            _ = try refiner.run(maxSteps: 200)
            #expect(refiner.isFinished, "seed \(seed)")
            #expect(refiner.trace(model: "loop").steps.count <= settings.steps + settings.correctionSteps + 1)
        }
    }

    /// One run on a random canvas with random knobs; `select` picks the sampler. With `switchAt`, the
    /// run starts as LLaDA, forces a token and switches to the selected sampler after that many steps, then
    /// switches back to LLaDA two steps after its unmask phase ends.
    private func run(seed: UInt64, switchAt: Int?, _ select: (inout SamplerKnobs) -> Void) throws -> Trace {
        var random = FlowRandom(seed: 0x5a3b_1e00 &+ seed)
        func pick(_ n: Int) -> Int { random.nextInt(below: n) }
        let vocabulary = 24 + pick(24)
        let prompt = (0..<(1 + pick(4))).map { _ in TokenID(4 + pick(vocabulary - 4)) }
        let holes = pick(3)
        let answer = 4 + pick(12)
        let canvas = try Canvas.generation(prompt: holes > 0 ? [.tokens(prompt), .holes(holes)] : [.tokens(prompt)],
                                           answerLength: answer, specialTokens: testSpecials)
        var settings = knobs(steps: 2 + pick(12), length: answer) { k in
            k.schedule = UnmaskSchedule.allCases[pick(3)]
            k.confidence = ConfidenceMeasure.allCases[pick(3)]
            k.proposal = ProposalKind.allCases[pick(2)]
            k.temperature = [0.5, 0.8, 1, 1.5][pick(4)]
            k.tauUnmask = [0.2, 0.5, 0.9][pick(3)]
            k.tauEdit = [0.05, 0.1, 0.2, 0.4][pick(4)]
            k.delta = [0, 0.02, 0.1][pick(3)]
            k.maxEditsPerStep = pick(5)
            k.editGate = [0, 0.3, 0.6, 1][pick(4)]
            k.cooldown = pick(3)
            k.cycleWindow = pick(7)
            k.correctionSteps = pick(7)
            k.seed = seed
        }
        let blocks = pick(3)
        if blocks > 0 { settings.blockLength = max(1, (answer + holes) / (blocks + 1)) }
        let blockCount = settings.blockLength == 0 ? 1 : (answer + holes + settings.blockLength - 1) / settings.blockLength
        settings.steps = max(settings.steps, blockCount)
        let scale = [1.5, 3, 6][pick(3)]
        let denoiser = ScriptedDenoiser(vocabularySize: vocabulary, script: randomLogits(seed: seed, vocabularySize: vocabulary, scale: scale))
        var chosen = settings
        select(&chosen)
        guard let switchAt else {
            let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: chosen)
            _ = try refiner.run(maxSteps: 200)
            return refiner.trace(model: "equivalence")
        }
        settings.sampler = .llada
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        _ = try refiner.run(maxSteps: switchAt)
        try refiner.setKnobs(chosen)
        if !refiner.isFinished {
            try refiner.force(token: TokenID(4 + pick(vocabulary - 4)), at: canvas.editablePositions[pick(canvas.editablePositions.count)])
        }
        // Bounded, though the deadline rule already ends the unmask phase on schedule.
        var unmaskSteps = 0
        while !refiner.isFinished, refiner.phase == .unmask, unmaskSteps < 40 { try refiner.step(); unmaskSteps += 1 }
        _ = try refiner.run(maxSteps: 2)
        try refiner.setKnobs(settings)
        _ = try refiner.run(maxSteps: 200)
        return refiner.trace(model: "equivalence")
    }

    private func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    private func hex(_ x: UInt64) -> String { String(x, radix: 16) }
}
