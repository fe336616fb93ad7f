/// The whole app's logic as a pure function: the new state and the work to request.
/// Nothing here blocks or touches a terminal, a file or a model.
public func reduce(_ state: AppState, _ action: Action) -> (AppState, [Effect]) {
    var next = state
    let effects = next.apply(action)
    return (next, effects)
}

extension AppState {
    mutating func apply(_ action: Action) -> [Effect] {
        switch action {
        case let .key(key):
            if textField != nil { return editText(key) }
            guard let command = KeyMap.command(for: key, in: keyScope) else { return [] }
            return run(command)
        case let .mouse(event):
            return handleMouse(event)
        case let .command(command):
            return run(command)
        case .tick:
            guard autoplay else { return [] }
            return screen == .ab ? stepAB() : stepVisualizer(fromAutoplay: true)
        case let .started(lane, generation, frame):
            guard generation == self.generation else { return [] }
            busy.remove(lane)
            if lane == .main {
                history = History(start: frame)
                traceRefusal = nil
                moveCursor(to: frame.roles.firstIndex { $0.isEditable } ?? 0)
            } else {
                abHistories[lane.rawValue - 1] = History(start: frame)
            }
            return []
        case let .repairStarted(generation, frame, damage):
            startRepair(generation: generation, frame: frame, damage: damage)
            return []
        case let .stepped(request, frame, replanned, rate):
            guard request.generation == generation else { return [] }
            busy.remove(request.lane)
            if let rate { tokensPerSecond = rate }
            let branchesBefore = history?.branchIDs
            record(frame, for: request, replanned: replanned)
            // A branch forgotten for the cap: the loop may drop the steps only it held.
            if request.lane == .main, let history, let before = branchesBefore,
               !Set(before).isSubset(of: history.branchIDs) {
                return [.keepSteps(lane: .main, nodes: history.nodeIDs)]
            }
            return []
        case let .finished(request):
            guard request.generation == generation else { return [] }
            busy.remove(request.lane)
            autoplay = false
            setStatus(doneMessage)
            return []
        case let .workFailed(lane, message):
            if let lane { busy.remove(lane) }
            autoplay = false
            setStatus(message, error: true)
            return []
        case let .traceSaved(path):
            setStatus("trace saved to \(path)")
            return []
        case let .traceOpened(path, prompt, frames, cannotContinue):
            guard var first = frames.first else { setStatus("\(path): no steps", error: true); return [] }
            generation += 1
            first.index = 0
            var replay = History(start: first)
            for frame in frames.dropFirst() { replay.append(frame) }
            replay.view(0)
            history = replay
            repair = nil  // a trace holds no record of damage
            moveCursor(to: first.roles.firstIndex { $0.isEditable } ?? 0)
            self.prompt = prompt
            if let knobs = frames.last?.knobs { self.knobs = knobs }
            busy.removeAll()
            traceRefusal = hasModel ? cannotContinue.map { "the loaded model cannot continue this trace: \($0)" } : nil
            if hasModel, let cannotContinue {
                setStatus("replaying \(path) (\(frames.count - 1) steps); the loaded model cannot continue it: \(cannotContinue)", error: true)
            } else {
                setStatus("replaying \(path) (\(frames.count - 1) steps)")
            }
            return []
        case let .replanScored(lane, withoutForwardPass, source, milliseconds):
            guard lane == .main else { return [] }
            let time = format(milliseconds, digits: 1)
            setStatus(withoutForwardPass ? "re-planned from \(source) in \(time) ms, no forward pass"
                                         : "re-planned with a forward pass (\(time) ms): the change needs the full logits")
            return []
        case let .replaySourceOpened(name, mask, pieces):
            modelName = name; maskToken = mask; self.pieces = pieces
            return []
        case let .modelOpened(name, mask, pieces):
            modelName = name; maskToken = mask; self.pieces = pieces; hasModel = true
            screen = .visualizer
            return restart()
        case let .training(progress):
            training = progress
            return []
        case let .resized(width, height):
            screenWidth = width; screenHeight = height
            return []
        }
    }

    mutating func setStatus(_ message: String?, error: Bool = false) {
        status = message
        statusIsError = error
    }

    mutating func run(_ command: Command) -> [Effect] {
        status = nil
        switch command {
        case .toggleHelp: showHelp.toggle(); helpScroll = 0; return []
        case let .scrollHelp(scroll):
            let layout = HelpLayout(self, width: screenWidth, height: screenHeight)
            let page = max(1, layout.rowsPerColumn - 1), from = min(helpScroll, layout.maxScroll)
            let moved: Int
            switch scroll {
            case .lineUp: moved = from - 1
            case .lineDown: moved = from + 1
            case .pageUp: moved = from - page
            case .pageDown: moved = from + page
            case .top: moved = 0
            case .bottom: moved = layout.maxScroll
            }
            helpScroll = min(max(0, moved), layout.maxScroll)
            return []
        case .quit: shouldQuit = true; return []
        case .showVisualizer: screen = .visualizer; return []
        case .showAB:
            screen = .ab
            return abHistories.contains(where: { $0 == nil }) ? restartAB() : []
        case .showTrain: screen = .train; autoplay = false; return []
        case .toggleAutoplay: autoplay.toggle(); return []
        case .faster: speedIndex = min(AppState.autoplayDelays.count - 1, speedIndex + 1); return []
        case .slower: speedIndex = max(0, speedIndex - 1); return []
        case .nextPanel, .previousPanel:
            let panels = Panel.allCases
            let i = panels.firstIndex(of: focus) ?? 0
            focus = panels[(i + (command == .nextPanel ? 1 : panels.count - 1)) % panels.count]
            return []
        case .toggleHeatmap: heatmap.toggle(); return []
        case .editPrompt: textField = TextField(purpose: .prompt, text: prompt); return []
        case .openTrace: textField = TextField(purpose: .openTrace, text: tracePath); return []
        case .saveTrace:
            guard history != nil else { return [] }
            return [.saveTrace(path: tracePath)]
        case .repairCanvas:
            guard screen == .visualizer else { return [] }
            return enterRepairMode()
        case .newSeed:
            knobs.seed = knobs.seed &* 6364136223846793005 &+ 1442695040888963407
            return screen == .ab ? restartAB() : restart()
        case .cycleCorpus: trainSettings.corpus = cycled(TrainSettings.corpora, trainSettings.corpus); return []
        case .editCorpusPath: textField = TextField(purpose: .corpusPath, text: trainSettings.corpus); return []
        case .cycleObjective: trainSettings.objective = cycled(TrainSettings.objectives, trainSettings.objective); return []
        case .cyclePreset: trainSettings.preset = cycled(TrainSettings.presets, trainSettings.preset); return []
        case .trainStartPause:
            switch training.phase {
            case .running: return [.pauseTraining]
            case .paused: return [.resumeTraining]
            case .saving: return []
            default: return [.startTraining(trainSettings)]
            }
        case .raiseSubstitute, .lowerSubstitute:
            let step = command == .raiseSubstitute ? 0.05 : -0.05
            trainSettings.substituteRate = (min(1, max(0, trainSettings.substituteRate + step)) * 100).rounded() / 100
            return []
        case .raiseKeepWeight, .lowerKeepWeight:
            let step = command == .raiseKeepWeight ? 0.1 : -0.1
            trainSettings.keepWeight = (min(4, max(0, trainSettings.keepWeight + step)) * 100).rounded() / 100
            return []
        case .trainSave: return [.saveTraining]
        case .visualizeTrained:
            guard let directory = training.savedDirectory else { setStatus("no saved model yet", error: true); return [] }
            return [.openModel(directory: directory)]
        default:
            return screen == .ab ? runAB(command) : runVisualizer(command)
        }
    }

    func cycled<T: Equatable>(_ all: [T], _ value: T) -> T {
        guard let i = all.firstIndex(of: value) else { return all[0] }
        return all[(i + 1) % all.count]
    }

    mutating func editText(_ key: KeyPress) -> [Effect] {
        guard var field = textField else { return [] }
        let characters = Array(field.text)
        switch key {
        case .escape: textField = nil; return []
        case .enter:
            textField = nil
            switch field.purpose {
            case .prompt:
                prompt = field.text
                if screen == .visualizer { repair = nil }  // a typed prompt is generated, not repaired
                return screen == .ab ? restartAB() : restart()
            case .openTrace:
                tracePath = field.text
                return [.openTrace(path: field.text)]
            case .corpusPath:
                if !field.text.isEmpty { trainSettings.corpus = field.text }
                return []
            }
        case .left: field.cursor = max(0, field.cursor - 1)
        case .right: field.cursor = min(characters.count, field.cursor + 1)
        case .home: field.cursor = 0
        case .end: field.cursor = characters.count
        case .backspace:
            guard field.cursor > 0 else { break }
            field.text = String(characters[0..<(field.cursor - 1)] + characters[field.cursor...])
            field.cursor -= 1
        case .delete:
            guard field.cursor < characters.count else { break }
            field.text = String(characters[0..<field.cursor] + characters[(field.cursor + 1)...])
        case let .character(c):
            field.text = String(characters[0..<field.cursor] + [c] + characters[field.cursor...])
            field.cursor += 1
        case let .control(c): field.applyLineEditing(c)
        default: break
        }
        textField = field
        return []
    }
}
