import FlowCore
import Testing
@testable import FlowDiffusion

/// The path-planning sampler (p2): visible tokens with a low p(current) give their place to masks, within the
/// schedule's forward passes.
@Suite struct PathPlanningSamplerTests {
    private func run(_ settings: SamplerKnobs, logits: @escaping ([TokenID]) -> [Float], answer: Int = 12)
        throws -> (steps: [RefinementStep], refiner: Refiner, denoiser: ScriptedDenoiser) {
        let denoiser = ScriptedDenoiser(script: logits)
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: answer), knobs: settings)
        return (try refiner.run(), refiner, denoiser)
    }

    /// Whatever the logits, a run takes exactly `steps` forward passes, ends with no mask, and every remask is
    /// paid for with an extra commit in the same step (the schedule's count of visible tokens holds).
    @Test(arguments: UInt64(0)..<24) func aRunTakesItsStepsAndEndsFilled(seed: UInt64) throws {
        let steps = 3 + Int(seed % 6)
        let settings = knobs(.p2, steps: steps, length: 12) { $0.maxEditsPerStep = 1 + Int(seed % 4); $0.seed = seed }
        let (taken, refiner, denoiser) = try run(settings, logits: randomLogits(seed: seed, vocabularySize: 32, scale: 4))
        #expect(taken.count == steps && denoiser.calls == steps)
        #expect(refiner.canvas.maskedCount == 0 && refiner.isFinished)
        var masks = refiner.initialCanvas.maskedCount
        for (s, step) in taken.enumerated() {
            let commits = step.changes.filter { $0.kind == .commit }.count
            let remasks = step.changes.filter { $0.kind == .remask }
            #expect(remasks.count <= settings.maxEditsPerStep)
            #expect(!step.changes.contains { $0.kind == .edit || $0.kind == .freeze })
            masks += remasks.count - commits
            let target = settings.schedule.remainingAfter(step: s, of: steps, initialMasks: refiner.initialCanvas.maskedCount)
            #expect(masks == target, "step \(s): the schedule's masks are left, remasks included")
            for remask in remasks {
                #expect(step.before[remask.position] != testSpecials.mask && step.after[remask.position] == testSpecials.mask)
                #expect(remask.reason.code == .planned)
            }
        }
        #expect(taken.last?.changes.contains { $0.kind == .remask } == false, "the last step only commits")
    }

    /// A token the model now doubts (p(current) low) is remasked when a left-out mask is surer; a confident
    /// token stays.
    @Test func aDoubtedTokenGivesItsPlaceToASurerMask() throws {
        let settings = knobs(.p2, steps: 4, length: 4) { $0.maxEditsPerStep = 2; $0.cooldown = 0 }
        let canvas = try makeCanvas(prompt: [4], answer: 4)
        let answer = canvas.editablePositions
        // Step 1 commits the first answer position to 10 (the surest); from then on the model doubts it
        // (p(10) small there) and is sure of every other position.
        let logits: ([TokenID]) -> [Float] = { tokens in
            var values = [Float](repeating: 0, count: tokens.count * 32)
            let started = tokens[answer[0]] != testSpecials.mask
            for (k, p) in answer.enumerated() {
                let sure: Float = started ? (k == 0 ? 0 : 6) : (k == 0 ? 8 : 2)
                values[p * 32 + 10 + k] = sure
            }
            return values
        }
        let denoiser = ScriptedDenoiser(script: logits)
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        let first = try #require(try refiner.step())
        #expect(first.changes.map(\.position) == [answer[0]] && first.changes[0].kind == .commit)
        let second = try #require(try refiner.step())
        let remasked = second.changes.filter { $0.kind == .remask }.map(\.position)
        #expect(remasked == [answer[0]])
        #expect(second.changes.filter { $0.kind == .commit }.count == 2, "the scheduled commit and one in the doubted token's place")
    }

    /// With E = 0 nothing is remasked: the run is LLaDA's, step for step.
    @Test(arguments: UInt64(0)..<6) func withoutRemasksItIsLLaDA(seed: UInt64) throws {
        let logits = randomLogits(seed: seed, vocabularySize: 32)
        let p2 = try run(knobs(.p2, steps: 5, length: 12) { $0.maxEditsPerStep = 0; $0.seed = seed }, logits: logits).steps
        let llada = try run(knobs(.llada, steps: 5, length: 12) { $0.maxEditsPerStep = 0; $0.seed = seed }, logits: logits).steps
        #expect(p2.map(\.after) == llada.map(\.after) && p2.map(\.changes) == llada.map(\.changes))
    }
}
