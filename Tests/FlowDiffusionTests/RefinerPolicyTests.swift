import FlowCore
import Testing
@testable import FlowDiffusion

/// Knobs that let almost any edit through, to stress the limits that must still hold.
private func aggressive(steps: Int = 8, length: Int = 12, maxEdits: Int = 3) -> SamplerKnobs {
    knobs(.flowlm, steps: steps, length: length) {
        $0.tauEdit = 0; $0.delta = 0; $0.maxEditsPerStep = maxEdits; $0.editGate = 0; $0.cooldown = 0
        $0.cycleWindow = 0; $0.correctionSteps = 5
    }
}

/// A denoiser for one answer position that wants `a` while it holds `b` and `b` while it holds anything
/// else: a model that never settles. Every other position is told `steady`.
private func oscillating(at position: Int, a: TokenID, b: TokenID, steady: TokenID) -> ([TokenID]) -> [Float] {
    { tokens in
        var values = [Float](repeating: 0, count: tokens.count * 32)
        for row in tokens.indices { values[row * 32 + Int(steady)] = 8 }
        let wanted = tokens[position] == b ? a : b
        values[position * 32 + Int(wanted)] = 12
        return values
    }
}

@Suite struct RefinerPolicyTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func promptNeverChangesAndReservedIdsAreNeverProposed(seed: UInt64) throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: seed, vocabularySize: 32))
        let canvas = try Canvas.generation(prompt: [.tokens([4, 5]), .holes(2), .tokens([6])], answerLength: 10,
                                           specialTokens: testSpecials)
        var settings = aggressive(length: 10)
        settings.proposal = seed % 2 == 0 ? .sample : .argmax
        settings.seed = seed
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        let taken = try refiner.run()
        #expect(!taken.isEmpty)
        let frozen = canvas.tokens.indices.filter { !canvas.roles[$0].isEditable }
        for step in taken {
            #expect(frozen.allSatisfy { step.after[$0] == canvas.tokens[$0] })
            #expect(step.candidates.ids.allSatisfy { !testSpecials.isReserved($0) })
            for change in step.changes where change.kind == .commit || change.kind == .edit {
                #expect(!testSpecials.isReserved(change.to))
            }
        }
        #expect(refiner.canvas.generatedTokens.allSatisfy { !testSpecials.isReserved($0) })
    }

    @Test(arguments: [0, 1, 2, 3])
    func neverMoreThanEEditsPerStep(maxEdits: Int) throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 9, vocabularySize: 32))
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12),
                                  knobs: aggressive(maxEdits: maxEdits))
        let taken = try refiner.run()
        let edits = taken.map { $0.changes(of: .edit).count }
        #expect(edits.allSatisfy { $0 <= maxEdits })
        #expect(maxEdits == 0 ? edits.allSatisfy { $0 == 0 } : edits.contains(maxEdits))
    }

    @Test func editsWaitUntilPhiOfTheAnswerIsVisible() throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 4, vocabularySize: 32))
        var settings = aggressive(steps: 8, length: 16)
        settings.editGate = 0.75
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 16), knobs: settings)
        let taken = try refiner.run()
        var sawEdit = false
        for step in taken where !step.changes(of: .edit).isEmpty {
            sawEdit = true
            let visible = refiner.initialCanvas.editablePositions.filter { step.before[$0] != testSpecials.mask }.count
            #expect(Double(visible) / 16 >= 0.75)
        }
        #expect(sawEdit)
    }

    @Test func lladaModeNeverEditsAndHasNoCorrectionPhase() throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 2, vocabularySize: 32))
        var settings = aggressive()
        settings.sampler = .llada
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: settings)
        let taken = try refiner.run()
        #expect(taken.allSatisfy { $0.changes.allSatisfy { $0.kind == .commit } })
        #expect(taken.allSatisfy { $0.phase == .unmask })
        #expect(taken.last?.phaseAfter == .done)
    }

    @Test func anOscillatingModelIsFrozenInsteadOfFlippingForever() throws {
        let canvas = try makeCanvas(answer: 4)
        let position = canvas.editablePositions[1]
        let denoiser = ScriptedDenoiser(script: oscillating(at: position, a: 10, b: 11, steady: 20))
        var settings = aggressive(steps: 4, length: 4)
        settings.cycleWindow = 6
        settings.correctionSteps = 50
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        let taken = try refiner.run()
        let freezes = taken.flatMap { $0.changes(of: .freeze) }
        #expect(freezes.count == 1)
        #expect(freezes.first?.position == position)
        #expect(freezes.first?.reason.code == .cycle)
        #expect(taken.flatMap { $0.changes(of: .edit) }.filter { $0.position == position }.count <= 2)
        #expect(refiner.isFinished)
        #expect(taken.count < 4 + 50)
        #expect(refiner.frozenPositions == [position])
    }

    @Test func withoutCycleDetectionTheCorrectionBudgetStillEndsTheLoop() throws {
        let canvas = try makeCanvas(answer: 4)
        let position = canvas.editablePositions[0]
        let denoiser = ScriptedDenoiser(script: oscillating(at: position, a: 10, b: 11, steady: 20))
        var settings = aggressive(steps: 4, length: 4)
        settings.correctionSteps = 7
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        let taken = try refiner.run()
        #expect(taken.filter { $0.phase == .correction }.count == 7)
        #expect(taken.flatMap { $0.changes(of: .edit) }.count >= 7)
        #expect(refiner.isFinished)
    }

    @Test func correctionEndsAtTheFirstStepWithNothingToEdit() throws {
        let target: [TokenID] = [1, 4, 5, 6, 20, 21, 22, 23, 24, 2]
        let denoiser = ScriptedDenoiser(script: targetLogits(target, vocabularySize: 32))
        let settings = knobs(.flowlm, steps: 4, length: 5) { $0.correctionSteps = 10 }
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 5), knobs: settings)
        let taken = try refiner.run()
        #expect(taken.count == 5)
        #expect(taken.last?.phase == .correction)
        #expect(taken.last?.changes.isEmpty == true)
        #expect(taken.last?.phaseAfter == .done)
    }

    @Test func forcedTokensArePinnedAndNeverEdited() throws {
        let canvas = try makeCanvas(answer: 6)
        let position = canvas.editablePositions[2]
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 12, vocabularySize: 32))
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: aggressive(steps: 6, length: 6))
        try refiner.step()
        try refiner.force(token: 30, at: position)
        #expect(refiner.canvas.tokens[position] == 30)
        let next = try #require(try refiner.step())
        #expect(next.changes.first { $0.kind == .force }?.position == position)
        let rest = try refiner.run()
        #expect(rest.allSatisfy { $0.changes.allSatisfy { $0.position != position || $0.kind == .force } })
        #expect(refiner.canvas.tokens[position] == 30)
        #expect(throws: DiffusionError.self) { try refiner.force(token: testSpecials.mask, at: position) }
        #expect(throws: DiffusionError.self) { try refiner.force(token: 9, at: 1) }
    }

    @Test func remaskVariantMasksThenRecommits() throws {
        let canvas = try makeCanvas(answer: 6)
        let position = canvas.editablePositions[0]
        let denoiser = ScriptedDenoiser(script: oscillating(at: position, a: 10, b: 11, steady: 20))
        var settings = aggressive(steps: 6, length: 6)
        settings.editMode = .remask
        settings.cycleWindow = 4
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        let taken = try refiner.run()
        let remasks = taken.flatMap { $0.changes(of: .remask) }
        #expect(!remasks.isEmpty)
        #expect(remasks.allSatisfy { $0.to == testSpecials.mask })
        #expect(taken.flatMap { $0.changes(of: .edit) }.isEmpty)
        #expect(refiner.canvas.maskedCount == 0)
        #expect(refiner.isFinished)
    }

    @Test func infillHolesAreFilledAroundTheFrozenPrompt() throws {
        let canvas = try Canvas.generation(prompt: [.tokens([7, 8]), .holes(3), .tokens([9])], answerLength: 0,
                                           specialTokens: testSpecials)
        let target: [TokenID] = [1, 7, 8, 25, 26, 27, 9, 2]
        let denoiser = ScriptedDenoiser(script: targetLogits(target, vocabularySize: 32))
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs(.llada, steps: 3, length: 0))
        _ = try refiner.run()
        #expect(refiner.canvas.tokens == target)
    }

    @Test func repairFindsAndFixesTheDamage() throws {
        let original: [TokenID] = [1] + (0..<20).map { TokenID(4 + ($0 * 7) % 28) } + [2]
        let editable = Array(1...20)
        let damage = try Damage.apply(to: original, editable: editable, substituteRate: 0.2, maskRate: 0.1,
                                      vocabularySize: 32, specialTokens: testSpecials, seed: 5)
        #expect(!damage.substituted.isEmpty)
        var roles = [PositionRole](repeating: .answer, count: original.count)
        roles[0] = .special; roles[21] = .special
        let canvas = try Canvas(tokens: damage.damaged, roles: roles, specialTokens: testSpecials)
        let denoiser = ScriptedDenoiser(script: targetLogits(original, vocabularySize: 32))
        let settings = knobs(.flowlm, steps: 4, length: 0) { $0.maxEditsPerStep = 2; $0.editGate = 0; $0.tauEdit = 0.5 }
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        _ = try refiner.run()
        let report = RepairReport(damage: damage, repaired: refiner.canvas.tokens, editable: editable)
        #expect(report.exactRepair)
        #expect(report.fixed == damage.damagedPositions)
        #expect(report.substitutionsFound == damage.substituted)
    }
}
