import FlowCore
@testable import FlowDiffusion  // DamagedText's memberwise init, for hand-made damage
import Testing
@testable import FlowTUI

/// Repair mode through reduce: `R` damages the text on screen, the scripted model corrects it, and the
/// canvas, title and inspector say what was damaged and what each change did.
@Suite struct RepairModeTests {
    static let rates = DamageRates(substitute: 0.3, mask: 0.1)

    /// A finished generation (so the canvas holds text), then `R`.
    func repaired(rates: DamageRates = RepairModeTests.rates) throws -> Harness {
        let harness = Harness()
        harness.state.damageRates = rates
        try harness.press(.character("e"), .enter)
        for _ in 0..<40 { try harness.press(.character(" ")) }
        try harness.press(.character("R"))
        return harness
    }

    func visibleText(_ frame: StepFrame) -> [TokenID] {
        frame.tokens.indices.filter { frame.roles[$0] != .special && frame.tokens[$0] != ScriptedDenoiser.special.mask }
            .map { frame.tokens[$0] }
    }

    func text(_ grid: CellGrid) -> String { grid.textSnapshot() }

    @Test func rDamagesTheVisibleTextAsDamageApplyDoesWithTheSeed() throws {
        let harness = Harness()
        harness.state.damageRates = Self.rates
        try harness.press(.character("e"), .enter)
        for _ in 0..<40 { try harness.press(.character(" ")) }
        let shown = visibleText(try #require(harness.state.currentFrame))
        let knobs = harness.state.knobs, generation = harness.state.generation + 1
        try harness.press(.character("R"))

        #expect(harness.effects.last == .restartRepair(source: .tokens(shown), rates: Self.rates, knobs: knobs,
                                                       generation: generation))
        let damage = try #require(harness.state.repair?.damage)
        let expected = try Damage.apply(to: [ScriptedDenoiser.special.cls] + shown + [ScriptedDenoiser.special.sep],
                                        editable: Array(1...shown.count), substituteRate: 0.3, maskRate: 0.1,
                                        vocabularySize: ScriptedDenoiser.vocabulary.count,
                                        specialTokens: ScriptedDenoiser.special, seed: harness.state.knobs.seed)
        #expect(damage == expected)
        #expect(!damage.substituted.isEmpty && !damage.masked.isEmpty)

        let frame = try #require(harness.state.currentFrame)
        let history = try #require(harness.state.history)
        #expect(history.frames.count == 1 && frame.index == 0)
        #expect(frame.tokens == damage.damaged)
        #expect(frame.roles.dropFirst().dropLast().allSatisfy { $0 == .answer }, "every text position is editable")
        #expect(harness.state.knobs.answerLength == shown.count, "the length follows the text, as generate --repair sets it")
        #expect(harness.state.status?.hasPrefix("repair:") == true)
    }

    @Test func theSameSeedGivesTheSameDamageAndRGivesNew() throws {
        let first = try repaired(), again = try repaired()
        let damage = try #require(first.state.repair?.damage)
        #expect(again.state.repair?.damage == damage)

        try first.press(.character("r"))
        let reseeded = try #require(first.state.repair?.damage)
        #expect(reseeded.original == damage.original, "r damages the same text again")
        #expect(reseeded != damage)
        guard case .restartRepair = try #require(first.effects.last) else {
            Issue.record("r in repair mode must restart repair mode"); return
        }
    }

    @Test func steppingRunsTheCorrectionLoopToTheEnd() throws {
        let harness = try repaired()
        let damage = try #require(harness.state.repair?.damage)
        for _ in 0..<40 { try harness.press(.character(" ")) }
        let history = try #require(harness.state.history)
        #expect(history.frames.count > 2)
        #expect(history.last.maskCount(mask: ScriptedDenoiser.special.mask) == 0, "masked damage is filled")
        #expect(history.frames.contains { $0.count(.edit) > 0 }, "substitutions are edited")
        let counts = try #require(harness.state.repair?.counts(in: history.last))
        #expect(counts.damaged == damage.damagedPositions.count)
        #expect(harness.state.status == "repair done: \(counts.fixed) of \(counts.damaged) fixed, \(counts.broken) broken")
        let title = text(render(harness.state, width: 80, height: 24))
        #expect(title.contains("repair: \(counts.damaged) damaged · \(counts.fixed) fixed · \(counts.broken) broken"))
    }

    @Test func theCanvasMarksEveryDamagedPosition() throws {
        let harness = try repaired()
        let damage = try #require(harness.state.repair?.damage)
        let grid = render(harness.state, width: 120, height: 40)
        let canvas = text(grid).split(separator: "\n").dropFirst().prefix(30).map { $0.prefix(79) }.joined()
        #expect(canvas.filter { $0 == Markers.damaged }.count == damage.damagedPositions.count)
        #expect(text(grid).contains(" repair │"), "the status line says repair mode")
        // Frame 0 has no scores yet: its text is plain, only the markers stand out.
        let markerStyle = harness.state.theme.style(.damaged)
        #expect(grid.cells.contains { $0.glyph == Markers.damaged && $0.style == markerStyle })
    }

    @Test func theMarkersReadInEveryColourDepth() {
        for depth in ColorDepth.allCases {
            let theme = Theme(depth: depth)
            let damaged = theme.style(.damaged), restored = theme.style(.restored)
            #expect(damaged != restored && damaged != .plain && restored != .plain, "\(depth)")
        }
        #expect(Set([Markers.damaged, Markers.restored, Markers.broken]).count == 3)
        for glyph in [Markers.damaged, Markers.restored, Markers.broken] { #expect(DisplayWidth.of(glyph) == 1) }
    }

    /// The inspector on each damaged position, after the loop ran: the original token, and every change
    /// there judged against it.
    @Test func theInspectorSaysWhatWasDamagedAndWhatEachChangeDid() throws {
        let harness = try repaired()
        let damage = try #require(harness.state.repair?.damage)
        for _ in 0..<40 { try harness.press(.character(" ")) }
        let frames = try #require(harness.state.history?.frames)
        var judged = 0
        for p in damage.damagedPositions {
            harness.state.cursor = p
            let inspector = text(render(harness.state, width: 120, height: 40)).split(separator: "\n")
                .map { String($0.suffix(40)) }.joined(separator: "\n")
            let how = damage.masked.contains(p) ? "masked" : "substituted"
            let restored = frames.last?.tokens[p] == damage.original[p]
            #expect(inspector.contains(restored ? "restored (\(how))" : "damaged (\(how))"), "\(inspector)")
            // The inspector lists the last three changes; each is judged against the original.
            let changes = frames.flatMap { frame in
                frame.changes.filter { $0.position == p && $0.kind != .freeze }.map { (frame.index, $0) }
            }
            for (step, change) in changes.suffix(3) {
                let verdict = change.to == damage.original[p] ? "restored the original"
                    : (change.to == ScriptedDenoiser.special.mask ? "remasked" : "still wrong")
                let row = inspector.split(separator: "\n").first { $0.contains("step \(step) →") }
                #expect(row?.contains(verdict) == true, "\(inspector)")
                judged += 1
            }
        }
        #expect(judged > 0, "some damaged position must have been changed")
    }

    @Test func leavingRepairModeByTypingAPrompt() throws {
        let harness = try repaired()
        try harness.press(.character("e"), .enter)
        #expect(harness.state.repair == nil)
        guard case .restart = try #require(harness.effects.last) else {
            Issue.record("a typed prompt restarts generation"); return
        }
        #expect(!text(render(harness.state, width: 80, height: 24)).contains("repair"))
    }

    /// On a fresh canvas the visible text is the prompt's tokens (masks left out); before any canvas, the
    /// prompt's literal text without its holes.
    @Test func rTakesThePromptWhenNothingElseIsVisible() throws {
        let harness = Harness(prompt: "the river {{2}} sings")
        harness.state.damageRates = Self.rates
        try harness.press(.character("e"), .enter, .character("R"))
        #expect(harness.effects.last == .restartRepair(source: .tokens(ScriptedDenoiser.encode("the river sings")),
                                                       rates: Self.rates, knobs: ScriptedDenoiser.knobs, generation: 2))
        #expect(harness.state.history?.current.tokens.count == 2 + 3)

        let fresh = Harness(prompt: "the river {{2}} sings")
        try fresh.press(.character("R"))
        #expect(fresh.effects.first == .restartRepair(source: .text("the river  sings"), rates: DamageRates(),
                                                      knobs: ScriptedDenoiser.knobs, generation: 1))

        let empty = Harness(prompt: "{{4}}")
        try empty.press(.character("R"))
        #expect(empty.state.statusIsError && empty.state.repair == nil)
    }

    @Test func withoutAModelRExplainsItself() {
        var state = AppState(modelName: "trace", hasModel: false, pieces: ScriptedDenoiser.pieces,
                             maskToken: ScriptedDenoiser.special.mask, theme: Theme(depth: .monochrome), prompt: "the mind")
        let effects: [Effect]
        (state, effects) = reduce(state, .key(.character("R")))
        #expect(effects.isEmpty && state.statusIsError && state.repair == nil)
    }
}

/// The judging rules on hand-made frames: a damaged position's changes restore or stay wrong, an undamaged
/// one's break a correct token.
@Suite struct RepairVerdictTests {
    let special = ScriptedDenoiser.special
    let original: [TokenID] = [1, 4, 5, 6, 7, 2]

    func frame(_ tokens: [TokenID], index: Int, changes: [TokenChange] = []) -> StepFrame {
        StepFrame(index: index, tokens: tokens, roles: [.special, .answer, .answer, .answer, .answer, .special],
                  confidence: tokens.map { _ in 0.5 }, pCurrent: tokens.map { _ in 0.5 }, changes: changes,
                  knobs: ScriptedDenoiser.knobs, forwardPasses: index)
    }

    func edit(_ p: Int, _ from: TokenID, _ to: TokenID) -> TokenChange {
        TokenChange(position: p, kind: .edit, from: from, to: to, pFrom: 0.1, pTo: 0.9, reason: ChangeReason(.user, "test"))
    }

    @Test func statusesCountsAndVerdicts() {
        // Position 2 substituted (5 → 9), position 3 masked.
        let damage = DamagedText(original: original, damaged: [1, 4, 9, 3, 7, 2], substituted: [2], masked: [3])
        let repair = RepairMode(source: .tokens([4, 5, 6, 7]), damage: damage)
        let frames = [
            frame(damage.damaged, index: 0),
            frame([1, 4, 8, 6, 7, 2], index: 1, changes: [edit(2, 9, 8),
                  TokenChange(position: 3, kind: .commit, from: 3, to: 6, pFrom: 0, pTo: 0.8, reason: ChangeReason(.user, "t"))]),
            frame([1, 13, 5, 6, 7, 2], index: 2, changes: [edit(2, 8, 5), edit(1, 4, 13)]),
        ]
        #expect(repair.statuses(in: frames[0]) == [.intact, .intact, .damaged, .damaged, .intact, .intact])
        #expect(repair.statuses(in: frames[2]) == [.intact, .broken, .restored, .restored, .intact, .intact])
        #expect(repair.counts(in: frames[1])! == (damaged: 2, fixed: 1, broken: 0))
        #expect(repair.summary(in: frames[2]) == "repair: 2 damaged · 2 fixed · 1 broken")
        #expect(repair.verdicts(at: 2, frames: frames[...], mask: special.mask).map(\.outcome) == [.stillWrong, .restored])
        #expect(repair.verdicts(at: 3, frames: frames[...], mask: special.mask).map(\.outcome) == [.restored])
        #expect(repair.verdicts(at: 1, frames: frames[...], mask: special.mask).map(\.outcome) == [.broke])
        #expect(repair.verdicts(at: 4, frames: frames[...], mask: special.mask).isEmpty)
        // A frame of another canvas (before the damaged one arrived) is not judged.
        #expect(repair.counts(in: frame([1, 4, 2], index: 0)) == nil)
    }

    @Test func theInspectorSpellsItOut() {
        let damage = DamagedText(original: original, damaged: [1, 4, 9, 6, 7, 2], substituted: [2], masked: [])
        var state = AppState(modelName: "scripted", hasModel: true, pieces: ScriptedDenoiser.pieces,
                             maskToken: special.mask, theme: Theme(depth: .palette256))
        state.repair = RepairMode(source: .tokens([4, 5, 6, 7]), damage: damage)
        var history = History(start: frame(damage.damaged, index: 0))
        history.append(frame([1, 4, 8, 6, 7, 2], index: 1, changes: [edit(2, 9, 8)]))
        history.append(frame([1, 13, 5, 6, 7, 2], index: 2, changes: [edit(2, 8, 5), edit(1, 4, 13)]))
        state.history = history
        func inspector(at p: Int) -> String {
            state.cursor = p
            return render(state, width: 120, height: 40).textSnapshot().split(separator: "\n")
                .map { String($0.suffix(40)).trimmingSpaces() }.joined(separator: "\n")
        }
        let damaged = inspector(at: 2)
        #expect(damaged.contains("✓ restored (substituted)"), "\(damaged)")
        #expect(damaged.contains("step 1 → a: still wrong"), "\(damaged)")
        #expect(damaged.contains("step 2 → mind: restored the original"), "\(damaged)")
        let broken = inspector(at: 1)
        #expect(broken.contains("✗ broken: was correct") && broken.contains("original  the"), "\(broken)")
        #expect(broken.contains("step 2 → café: broke a correct token"), "\(broken)")
        #expect(inspector(at: 4).contains("undamaged"))
        state.history?.view(1)
        let earlier = inspector(at: 2)
        #expect(earlier.contains("† damaged (substituted)") && earlier.contains("original  mind"), "\(earlier)")
        #expect(!earlier.contains("restored the original"), "the inspector judges up to the viewed step only")
    }
}
