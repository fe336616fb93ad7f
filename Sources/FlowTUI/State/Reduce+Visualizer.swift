import FlowDiffusion
extension AppState {
    mutating func runVisualizer(_ command: Command) -> [Effect] {
        switch command {
        case .step: return stepVisualizer(fromAutoplay: false)
        case .historyBack: history?.move(by: -1)
        case .historyForward: history?.move(by: 1)
        case .historyFirst: history?.view(0)
        case .historyLast: history?.view(Int.max)
        case let .raise(knob): return changeKnob(knob, by: 1)
        case let .lower(knob): return changeKnob(knob, by: -1)
        case .cycleMeasure:
            colorMeasure = cycled(ColorMeasure.allCases, colorMeasure)
            guard let measure = colorMeasure.samplerMeasure else { return [] }
            knobs.confidence = measure
            return replanCurrent()
        case .cycleSampler:
            Samplers.after(Samplers.selected(by: knobs)).select(in: &knobs)
            return replanCurrent()
        case .cursorPrevious: moveCursor(to: cursor - 1)
        case .cursorNext: moveCursor(to: cursor + 1)
        case .cursorUp, .cursorDown:
            let direction = command == .cursorUp ? -1 : 1
            if focus == .inspector {
                let count = currentFrame?.candidates(at: cursor).count ?? 0
                candidateIndex = min(max(0, candidateIndex + direction), max(0, count - 1))
            } else if let target = CanvasLayout.verticalNeighbour(of: cursor, direction: direction, state: self) {
                moveCursor(to: target)
            }
        case .pin:
            guard let frame = currentFrame, frame.isEditable(cursor) else { return [] }
            if pinned.remove(cursor) == nil { pinned.insert(cursor) }
        case .force: return forceCandidate()
        case .cycleBranch: history?.cycleBranch()
        case .discardBranches:
            guard let history, history.branches.count > 1 else { return [] }
            self.history?.discardOtherBranches()
            return [.keepSteps(lane: .main, nodes: Set(history.frames.compactMap(\.nodeID)))]
        default: break
        }
        return []
    }

    /// Moves the cursor, skipping the hidden [CLS]/[SEP] positions at the ends.
    mutating func moveCursor(to position: Int) {
        guard let roles = currentFrame?.roles, !roles.isEmpty else { cursor = 0; return }
        let first = roles.firstIndex { $0 != .special } ?? 0
        let last = roles.lastIndex { $0 != .special } ?? roles.count - 1
        cursor = min(max(first, position), last)
        candidateIndex = 0
    }

    /// A fresh canvas for the visualizer from the prompt and knobs (length, seed).
    mutating func restart() -> [Effect] {
        guard hasModel else {
            setStatus("no model loaded: open a trace with o to replay it", error: true)
            return []
        }
        generation += 1
        autoplay = false
        pinned = []
        busy.insert(.main)
        if let repair {
            // Same text, rates and seed give the same damage; the marks wait for the new damage.
            self.repair?.damage = nil
            return [.restartRepair(source: repair.source, rates: damageRates, knobs: knobs, generation: generation)]
        }
        return [.restart(lane: .main, prompt: prompt, knobs: knobs, generation: generation)]
    }

    mutating func restartAB() -> [Effect] {
        guard hasModel else {
            setStatus("no model loaded: the A/B view needs one", error: true)
            return []
        }
        generation += 1
        abHistories = [nil, nil]
        busy.formUnion([.a, .b])
        return [Lane.a, Lane.b].map { lane in
            var sideKnobs = knobs
            abSamplers[lane.rawValue - 1].select(in: &sideKnobs)
            return .restart(lane: lane, prompt: prompt, knobs: sideKnobs, generation: generation)
        }
    }

    /// The sampler reported that nothing is left to do after this frame.
    func isFinished(_ frame: StepFrame) -> Bool {
        frame.index > 0 && frame.phaseAfter == .done && !frame.isUserForce
    }

    /// Space: show the next step. Where a computed future already follows under the same knobs this
    /// only moves forward; otherwise it asks for a step (which forks when not at the end).
    mutating func stepVisualizer(fromAutoplay: Bool) -> [Effect] {
        guard var history, !busy.contains(.main) else { return [] }
        if !history.isAtEnd, history.frames[history.viewIndex + 1].knobs == knobs {
            history.view(history.viewIndex + 1)
            self.history = history
            return []
        }
        if history.isAtEnd, isFinished(history.current), history.current.knobs == knobs {
            if fromAutoplay { autoplay = false }
            setStatus(doneMessage)
            return []
        }
        guard hasModel else {
            autoplay = false
            setStatus(history.isAtEnd ? "end of the replayed trace" : "replay only: no model to fork with", error: !history.isAtEnd)
            return []
        }
        if let traceRefusal {
            autoplay = false
            setStatus(traceRefusal, error: true)
            return []
        }
        busy.insert(.main)
        return [.step(request(lane: .main, from: history.current, branchID: history.branchID))]
    }

    func request(lane: Lane, from frame: StepFrame, branchID: Int, knobs override: SamplerKnobs? = nil,
                 force: ForcedToken? = nil) -> StepRequest {
        StepRequest(lane: lane, branchID: branchID, from: frame, knobs: override ?? knobs,
                    pinned: lane == .main ? pinned : [], generation: generation, force: force)
    }

    mutating func changeKnob(_ knob: Knob, by direction: Int) -> [Effect] {
        knob.adjust(&knobs, by: direction)
        return knob.restarts ? restart() : replanCurrent()
    }

    /// Re-plans the viewed step from the logits of the canvas before it, at once, with the new knobs.
    mutating func replanCurrent() -> [Effect] {
        guard let history, history.viewIndex > 0 else { return [] }
        guard !history.current.isUserForce else {
            setStatus("knobs apply from the next step (this one is a user force)")
            return []
        }
        guard hasModel else {
            setStatus("replay: new knobs apply once a model is loaded")
            return []
        }
        if let traceRefusal { setStatus(traceRefusal, error: true); return [] }
        guard !busy.contains(.main) else { return [] }
        busy.insert(.main)
        return [.replan(request(lane: .main, from: history.current, branchID: history.branchID))]
    }

    /// Asks the Refiner to force the inspector's chosen candidate at the cursor (pinned). The Refiner records
    /// it as a node of its own, so it shows as a frame (a branch when not at the end), and the next step
    /// continues from it and reports the force as a change.
    mutating func forceCandidate() -> [Effect] {
        guard let history, cursor < history.current.tokens.count, history.current.isEditable(cursor) else {
            setStatus("only generated positions can be forced", error: true)
            return []
        }
        let frame = history.current
        let candidates = frame.candidates(at: cursor)
        guard candidateIndex < candidates.count else { setStatus("no candidate to force here", error: true); return [] }
        let candidate = candidates[candidateIndex]
        let choice = ForcedToken(position: cursor, token: candidate.id,
                                 shownProbabilityBefore: cursor < frame.pCurrent.count ? frame.pCurrent[cursor] : 0,
                                 shownProbability: candidate.probability)
        guard hasModel else { setStatus("replay only: forcing a token needs a model", error: true); return [] }
        if let traceRefusal { setStatus(traceRefusal, error: true); return [] }
        guard !busy.contains(.main) else { return [] }  // like Space: one request at a time
        pinned.insert(cursor)
        busy.insert(.main)
        return [.step(request(lane: .main, from: frame, branchID: history.branchID, force: choice))]
    }

    /// Puts a result where the Refiner put it: after (or, for a re-plan, in place of or beside) the request's
    /// frame in the request's branch. A result for a branch discarded meanwhile is dropped.
    mutating func record(_ frame: StepFrame, for request: StepRequest, replanned: Bool) {
        let side = request.lane.rawValue - 1
        guard var target = request.lane == .main ? history : abHistories[side],
              let from = target.treeNode(holding: request.from, onBranch: request.branchID) else { return }
        if replanned { target.recordReplan(frame, of: from) } else { target.record(frame, after: from) }
        if request.lane == .main {
            history = target
            if isFinished(frame) { autoplay = false }
        } else {
            abHistories[side] = target
        }
    }
}
