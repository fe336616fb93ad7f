extension AppState {
    /// The A/B view keeps both sides on the same step: one key moves both.
    mutating func runAB(_ command: Command) -> [Effect] {
        switch command {
        case .step: return stepAB()
        case .historyBack, .historyForward, .historyFirst, .historyLast:
            for side in abHistories.indices {
                guard var history = abHistories[side] else { continue }
                switch command {
                case .historyBack: history.view(history.viewIndex - 1)
                case .historyForward: history.view(history.viewIndex + 1)
                case .historyFirst: history.view(0)
                default: history.view(Int.max)
                }
                abHistories[side] = history
            }
            return []
        case let .raise(knob), let .lower(knob):
            // Both sides share knobs to stay comparable: a new length restarts the pair, anything else
            // re-plans both viewed steps from their cached logits, in lockstep.
            knob.adjust(&knobs, by: command == .raise(knob) ? 1 : -1)
            return knob.restarts ? restartAB() : replanAB()
        case .cycleMeasure:
            colorMeasure = cycled(ColorMeasure.allCases, colorMeasure)
            guard let measure = colorMeasure.samplerMeasure else { return [] }
            knobs.confidence = measure
            return replanAB()
        default:
            return []
        }
    }

    /// Re-plans the step each side shows under the current knobs (each with its own sampler); no
    /// forward pass. Before the first step there is nothing to re-plan: the knobs apply to the next one.
    mutating func replanAB() -> [Effect] {
        guard !busy.contains(.a), !busy.contains(.b) else { return [] }
        var effects: [Effect] = []
        for (lane, history) in [(Lane.a, abHistories[0]), (Lane.b, abHistories[1])] {
            guard let history, history.viewIndex > 0 else { continue }
            var sideKnobs = knobs
            abSamplers[lane.rawValue - 1].select(in: &sideKnobs)
            busy.insert(lane)
            effects.append(.replan(request(lane: lane, from: history.current, branchID: history.branchID, knobs: sideKnobs)))
        }
        return effects
    }

    /// Steps both sides together; a side that has finished stays put while the other continues.
    mutating func stepAB() -> [Effect] {
        guard let left = abHistories[0], let right = abHistories[1],
              !busy.contains(.a), !busy.contains(.b) else { return [] }
        var effects: [Effect] = []
        for (lane, history) in [(Lane.a, left), (Lane.b, right)] {
            if !history.isAtEnd {
                abHistories[lane.rawValue - 1]?.view(history.viewIndex + 1)
                continue
            }
            if isFinished(history.current) { continue }
            var sideKnobs = knobs
            abSamplers[lane.rawValue - 1].select(in: &sideKnobs)
            busy.insert(lane)
            effects.append(.step(request(lane: lane, from: history.current, branchID: history.branchID, knobs: sideKnobs)))
        }
        if effects.isEmpty, left.isAtEnd, right.isAtEnd { autoplay = false }
        return effects
    }
}
