import FlowDiffusion
import Testing
@testable import FlowTUI

@Suite struct ReduceTests {
    /// Starts the visualizer on the scripted model: `e`, Enter runs the prompt.
    func started() throws -> Harness {
        let harness = Harness()
        try harness.press(.character("e"), .enter)
        return harness
    }

    @Test func promptEditorRestartsWithTheTypedPrompt() throws {
        let harness = Harness(prompt: "")
        try harness.press(.character("e"))
        #expect(harness.state.textField?.purpose == .prompt)
        try harness.type("the river")
        try harness.press(.backspace, .character("r"), .enter)
        #expect(harness.state.textField == nil)
        #expect(harness.state.prompt == "the river")
        let frame = try #require(harness.state.currentFrame)
        #expect(frame.index == 0)
        #expect(frame.maskCount(mask: ScriptedDenoiser.special.mask) == ScriptedDenoiser.knobs.answerLength)
    }

    /// The text fields edit as a shell's line does: Ctrl-A/E ends, Ctrl-B/F moves, Ctrl-W the word before the
    /// cursor, Ctrl-K to the end, Ctrl-U to the start; no control key lands in the text.
    @Test func textFieldsTakeTheShellsControlKeys() throws {
        let harness = Harness(prompt: "")
        try harness.press(.character("e"))
        try harness.type("to be or not")
        func field() -> (String, Int) { (harness.state.textField?.text ?? "?", harness.state.textField?.cursor ?? -1) }
        try harness.press(.control("w"))
        #expect(field() == ("to be or ", 9))
        try harness.press(.control("a"), .control("f"), .control("f"), .control("k"))
        #expect(field() == ("to", 2))
        try harness.press(.control("e"), .control("b"))
        #expect(field() == ("to", 1))
        try harness.type("w")
        try harness.press(.control("u"))
        #expect(field() == ("o", 0))
        try harness.press(.control("x"), .control("w"))  // unbound, and nothing before the cursor
        #expect(field() == ("o", 0))
        try harness.press(.enter)
        #expect(harness.state.prompt == "o")
    }

    /// Forking again and again keeps at most History.maximumBranches, and the loop forgets the steps of the
    /// branches dropped, so exploring for hours cannot grow memory without bound.
    @Test func branchesAreCappedAndTheirStepsForgotten() throws {
        let harness = try started()
        try harness.press(.character(" "), .character(" "), .character(" "))
        for fork in 0..<(History.maximumBranches + 8) {
            try harness.press(.left, .character(fork % 2 == 0 ? "x" : "X"), .character(" "))
        }
        let history = try #require(harness.state.history)
        #expect(history.branches.count == History.maximumBranches)
        let kept = try #require(harness.refiner(.main)).recordedStepCount
        #expect(kept <= history.nodeIDs.count + 2, "\(kept) steps kept for \(history.nodeIDs.count) shown")
    }

    @Test func stepThreeTimesThenRaiseTauEditStepBackAndBranch() throws {
        let harness = try started()
        try harness.press(.character(" "), .character(" "), .character(" "))
        var history = try #require(harness.state.history)
        #expect(history.frames.map(\.index) == [0, 1, 2, 3])
        #expect(history.current.forwardPasses == 3)
        let masksAfterThree = history.current.maskCount(mask: ScriptedDenoiser.special.mask)
        #expect(masksAfterThree < ScriptedDenoiser.knobs.answerLength)

        // Raising tau_edit re-plans the viewed (last) step in place, from cached logits: no forward pass.
        let callsBefore = harness.denoiser.calls
        try harness.press(.character("]"))
        #expect(harness.state.knobs.tauEdit == ScriptedDenoiser.knobs.tauEdit + 0.05)
        #expect(harness.effects.contains { if case .replan = $0 { return true } else { return false } })
        history = try #require(harness.state.history)
        #expect(history.frames.count == 4 && history.branches.count == 1)
        #expect(history.current.knobs.tauEdit == harness.state.knobs.tauEdit)
        #expect(harness.denoiser.calls == callsBefore)

        // Step back twice, change a knob: the viewed step has a future, so the re-plan forks.
        try harness.press(.left, .left)
        #expect(harness.state.history?.viewIndex == 1)
        try harness.press(.character("x"))  // fewer edits per step
        history = try #require(harness.state.history)
        #expect(history.branches.count == 2)
        #expect(history.branches[0].frames.count == 4)  // the old future stays reachable
        #expect(history.frames.count == 2 && history.viewIndex == 1)

        // Continuing on the new branch computes new steps there.
        try harness.press(.character(" "))
        history = try #require(harness.state.history)
        #expect(history.frames.count == 3 && history.current.knobs.maxEditsPerStep == ScriptedDenoiser.knobs.maxEditsPerStep - 1)
        try harness.press(.character("b"))
        #expect(harness.state.history?.frames.count == 4)  // back on the first branch
        let recorded = try #require(harness.refiner(.main)).recordedStepCount
        #expect(recorded == 5, "3 steps, a re-planned fork and one step on it")
        try harness.press(.character("B"))
        #expect(harness.state.history?.branches.count == 1)
        // The refiner frees the discarded branch's steps too, and the kept branch still steps on.
        let kept = try #require(harness.refiner(.main)).recordedStepCount
        #expect(kept == 3, "\(kept) steps kept")
        try harness.press(.character("G"), .character(" "))
        #expect(harness.state.history?.frames.count == 5 && harness.state.history?.branches.count == 1)
    }

    @Test func steppingForwardThroughAComputedFutureRunsNoForward() throws {
        let harness = try started()
        try harness.press(.character(" "), .character(" "), .character("g"))
        let calls = harness.denoiser.calls
        try harness.press(.character(" "))
        #expect(harness.state.history?.viewIndex == 1)
        #expect(harness.denoiser.calls == calls)
        try harness.press(.character("G"))
        #expect(harness.state.history?.viewIndex == 2)
    }

    @Test func runsToTheEndWithEditsAndStops() throws {
        let harness = try started()
        for _ in 0..<40 { try harness.press(.character(" ")) }
        let history = try #require(harness.state.history)
        #expect(history.last.maskCount(mask: ScriptedDenoiser.special.mask) == 0)
        #expect(history.frames.contains { $0.count(.edit) > 0 }, "the scripted model changes its mind: FlowLM must edit")
        #expect(harness.state.status?.hasPrefix("done") == true)
    }

    @Test func forcingACandidatePinsItAndTheNextStepReportsTheForce() throws {
        let harness = try started()
        try harness.press(.character(" "))
        let frame = try #require(harness.state.currentFrame)
        let position = try #require(frame.editable.firstIndex(of: true))
        harness.state.cursor = position
        try harness.press(.tab, .down)  // inspector, second candidate
        #expect(harness.state.focus == .inspector && harness.state.candidateIndex == 1)
        let wanted = frame.candidates(at: position)[1].id
        try harness.press(.character("f"))
        #expect(harness.state.currentFrame?.tokens[position] == wanted)
        #expect(harness.state.pinned.contains(position))
        try harness.press(.character(" "))
        let stepped = try #require(harness.state.currentFrame)
        #expect(stepped.tokens[position] == wanted)
        #expect(stepped.changes.contains { $0.kind == .force && $0.position == position })
    }

    /// The status line says whether a re-plan needed a forward pass.
    @Test func replanSourceIsShownOnTheStatusLine() throws {
        let harness = try started()
        try harness.send(.replanScored(lane: .main, withoutForwardPass: true, source: "kept statistics", milliseconds: 0.84))
        #expect(harness.state.status == "re-planned from kept statistics in 0.8 ms, no forward pass")
        try harness.send(.replanScored(lane: .main, withoutForwardPass: false, source: "forward", milliseconds: 12))
        #expect(harness.state.status?.hasPrefix("re-planned with a forward pass") == true)
    }

    @Test func autoplayTicksStepAndSpeedChanges() throws {
        let harness = try started()
        try harness.press(.character("a"), .character("+"))
        #expect(harness.state.autoplay && harness.state.autoplayDelay == AppState.autoplayDelays[3])
        try harness.send(.tick)
        try harness.send(.tick)
        #expect(harness.state.history?.frames.count == 3)
    }

    @Test func samplerAndMeasureCycle() throws {
        let harness = try started()
        try harness.press(.character(" "), .character("m"))
        #expect(Samplers.selected(by: harness.state.knobs).name == "remask")
        #expect(harness.state.currentFrame?.knobs.editMode == .remask)
        try harness.press(.character("c"), .character("c"), .character("c"))
        #expect(harness.state.colorMeasure == .pCurrent)
        #expect(harness.state.knobs.confidence == .negativeEntropy)  // p(current) only recolours
    }

    @Test func staleResultsOfAnOlderCanvasAreDropped() throws {
        let harness = try started()
        let frame = try #require(harness.state.currentFrame)
        let stale = StepRequest(lane: .main, branchID: 0, from: frame, knobs: harness.state.knobs, pinned: [],
                                generation: harness.state.generation - 1)
        try harness.send(.stepped(request: stale, frame: frame, replanned: false, tokensPerSecond: nil))
        #expect(harness.state.history?.frames.count == 1)
    }

    @Test func aSlowResultLandsAfterItsSourceEvenIfTheUserNavigatedAway() throws {
        let harness = try started()
        try harness.press(.character(" "), .character(" "))
        harness.holdsWork = true
        try harness.press(.character(" "))  // asks for step 3 from frame 2 …
        #expect(harness.state.busy.contains(.main))
        try harness.press(.character(" "))  // … a second Space while busy is ignored, not queued
        try harness.press(.left, .left)  // … and the user looks back meanwhile
        try harness.release()
        let history = try #require(harness.state.history)
        #expect(history.branches.count == 1, "a late result must extend its branch, not fork from the viewed step")
        #expect(history.frames.map(\.index) == [0, 1, 2, 3] && history.viewIndex == 3)
        #expect(!harness.state.busy.contains(.main))
    }

    @Test func replayWithoutAModelNavigatesButCannotStepPastTheEnd() throws {
        let live = try started()
        for _ in 0..<3 { try live.press(.character(" ")) }
        let frames = try #require(live.state.history?.frames)
        var replay = AppState(modelName: "trace", hasModel: false, pieces: ScriptedDenoiser.pieces,
                              maskToken: ScriptedDenoiser.special.mask, theme: Theme(depth: .monochrome))
        replay = reduce(replay, .traceOpened(path: "t.jsonl", prompt: "the mind is", frames: frames)).0
        #expect(replay.history?.viewIndex == 0)
        for _ in 0..<3 { replay = reduce(replay, .key(.character(" "))).0 }
        #expect(replay.history?.viewIndex == 3)
        let (end, effects) = reduce(replay, .key(.character(" ")))
        #expect(effects.isEmpty && end.status == "end of the replayed trace")
        let (knobbed, replanEffects) = reduce(end, .key(.character("]")))
        #expect(replanEffects.isEmpty && knobbed.knobs.tauEdit != end.knobs.tauEdit)
    }

    @Test func abViewStepsBothSidesInLockstep() throws {
        let harness = try started()
        try harness.press(.character("2"))
        #expect(harness.state.screen == .ab)
        try harness.press(.character(" "), .character(" "))
        let left = try #require(harness.state.abHistories[0]), right = try #require(harness.state.abHistories[1])
        #expect(left.frames.count == 3 && right.frames.count == 3)
        #expect(left.current.knobs.sampler == .llada && right.current.knobs.sampler == .flowlm)
        try harness.press(.left)
        #expect(harness.state.abHistories[0]?.viewIndex == 1 && harness.state.abHistories[1]?.viewIndex == 1)

        // A knob change re-plans both viewed steps (no restart); the steps after them stay reachable on
        // the old branches. At the last step the logits are cached, so there is no forward pass at all.
        harness.effects = []
        try harness.press(.character("]"))
        #expect(harness.effects.filter { if case .replan = $0 { return true } else { return false } }.count == 2)
        #expect(!harness.effects.contains { if case .restart = $0 { return true } else { return false } })
        for side in 0..<2 {
            let history = try #require(harness.state.abHistories[side])
            #expect(history.viewIndex == 1 && history.branches.count == 2)
            #expect(history.current.knobs.tauEdit == harness.state.knobs.tauEdit)
        }
        #expect(harness.state.abHistories[0]?.current.knobs.sampler == .llada)
        try harness.press(.character(" "))
        let calls = harness.denoiser.calls
        try harness.press(.character("["))
        #expect(harness.denoiser.calls == calls)
        #expect(harness.state.abHistories[1]?.current.knobs.tauEdit == harness.state.knobs.tauEdit)
        #expect(harness.state.abHistories[0]?.frames.count == 3 && harness.state.abHistories[1]?.frames.count == 3)
    }

    @Test func quitAndHelp() throws {
        let harness = try started()
        try harness.press(.character("?"))
        #expect(harness.state.showHelp)
        try harness.press(.character(" "))  // keys other than the help's are ignored while it is open
        #expect(harness.state.history?.frames.count == 1)
        try harness.press(.escape, .character("q"))
        #expect(!harness.state.showHelp && harness.state.shouldQuit)
    }
}

@Suite struct TrainScreenReduceTests {
    @Test func settingsKeysAndStartPauseResume() throws {
        let harness = Harness()
        try harness.press(.character("3"), .character("c"), .character("j"), .character("k"), .character("]"),
                          .character("{"))
        let settings = harness.state.trainSettings
        #expect(settings.corpus == TrainSettings.corpora[1] && settings.objective == TrainSettings.objectives[1])
        #expect(settings.preset == TrainSettings.presets[1])
        #expect(settings.substituteRate == 0.25 && settings.keepWeight == 0.9)
        try harness.press(.character(" "))
        #expect(harness.effects.last == .startTraining(settings))
        var progress = TrainingProgress()
        progress.phase = .running
        try harness.send(.training(progress))
        try harness.press(.character(" "))
        #expect(harness.effects.last == .pauseTraining)
        progress.phase = .saved(directory: "runs/mine")
        try harness.send(.training(progress))
        try harness.press(.character("v"))
        #expect(harness.effects.last == .openModel(directory: "runs/mine"))
    }

    @Test func corpusPathIsTyped() throws {
        let harness = Harness()
        try harness.press(.character("3"), .character("d"))
        harness.state.textField?.text = ""
        harness.state.textField?.cursor = 0
        try harness.type("data/shakespeare.txt")
        try harness.press(.enter)
        #expect(harness.state.trainSettings.corpus == "data/shakespeare.txt")
    }

    /// Paths keep their ends on the train screen, a bare file name included: it is the part that tells runs apart.
    @Test func longCorpusNamesKeepTheirEnds() throws {
        let harness = Harness()
        try harness.press(.character("3"))
        harness.state.trainSettings.corpus = "shakespeare_sonnets_and_plays_cleaned_v2.txt"
        harness.state.trainSettings.outputDirectory = "runs/experiments/november/flowlm-substitution-0.25"
        let rows = render(harness.state, width: 80, height: 24).textSnapshot().split(separator: "\n")
        let corpusRow = try #require(rows.first { $0.contains("corpus") })
        let outputRow = try #require(rows.first { $0.contains("output") })
        #expect(corpusRow.contains("…") && corpusRow.contains("cleaned_v2.txt"), "\(corpusRow)")
        #expect(outputRow.contains("…") && outputRow.contains("0.25"), "\(outputRow)")
    }
}
