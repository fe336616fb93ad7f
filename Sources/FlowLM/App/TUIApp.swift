import Foundation
import FlowCore
import FlowDiffusion
import FlowTerminal
import FlowTUI

/// The terminal UI's run loop: keys and results go through `reduce`, `render` draws, effects are
/// performed here (forward passes on the worker, files and training through the injected services).
public enum TUIApp {
    /// Runs until `q` or a signal. Returns the process exit status (0, or 128 + signal). Throws
    /// `TerminalError` (exit code 2) when there is no terminal; the terminal is restored on every path.
    public static func run(_ options: TUIOptions) throws -> Int32 {
        let terminal = Terminal()
        do {
            try terminal.start(requested: options.theme, environment: options.environment, mouse: options.mouse)
        } catch {
            throw TerminalUnavailable(description: error.description, exitCode: error.exitCode)
        }
        defer { terminal.stop() }
        var loop = AppLoop(options: options, terminal: terminal)
        return try loop.run()
    }
}

/// No usable terminal (not a TTY, unknown TERM): a one-line message and exit code 2.
public struct TerminalUnavailable: FlowLMError {
    public let description: String
    public let exitCode: Int32
}

/// One run of the UI; separate from `TUIApp` so its state lives in locals of one thread.
struct AppLoop {
    let options: TUIOptions
    let terminal: any TerminalDevice
    let mailbox = Mailbox()
    let worker: RefinementWorker
    var state: AppState
    /// Model label, vocabulary size and special tokens for trace headers (from the model or the trace).
    var traceContext: TraceFiles.Context?

    init(options: TUIOptions, terminal: any TerminalDevice) {
        self.options = options
        self.terminal = terminal
        worker = RefinementWorker(model: options.model, mailbox: mailbox)
        let model = options.model
        state = AppState(modelName: model?.name ?? "no model", hasModel: model != nil,
                         pieces: model?.pieces ?? PieceLookup { "#\($0)" },
                         maskToken: model?.denoiser.specialTokens.mask ?? -1,
                         theme: Theme(depth: terminal.depth), prompt: options.prompt, knobs: options.knobs)
        traceContext = model.map {
            TraceFiles.Context(model: $0.name, vocabularySize: $0.denoiser.vocabularySize,
                               specialTokens: $0.denoiser.specialTokens)
        }
        state.damageRates = options.damageRates
        if let text = options.repairText { state.repair = RepairMode(source: .text(text)) }
        let (width, height) = terminal.size
        state.screenWidth = width
        state.screenHeight = height
    }

    mutating func run() throws -> Int32 {
        if let path = options.replayTrace {
            openTrace(path)
        } else if let model = options.model {
            dispatch(.modelOpened(name: model.name, maskToken: model.denoiser.specialTokens.mask, pieces: model.pieces))
        }
        var nextTick = DispatchTime.now().uptimeNanoseconds
        while !state.shouldQuit {
            terminal.draw(render(state, width: state.screenWidth, height: state.screenHeight))
            let now = DispatchTime.now().uptimeNanoseconds
            // Wake often while work is in flight so results show at once; otherwise only for autoplay.
            var timeout = state.busy.isEmpty ? 250 : 15
            if state.autoplay { timeout = min(timeout, max(0, Int((Int64(nextTick) - Int64(now)) / 1_000_000))) }
            switch terminal.nextEvent(timeoutMilliseconds: timeout) {
            case let .key(key): dispatch(.key(key))
            case let .mouse(event): dispatch(.mouse(event))
            case let .resize(width, height): dispatch(.resized(width: width, height: height))
            case let .signal(number):
                saveTrainingOnExit()
                return 128 + number
            case .timeout: break
            }
            for action in mailbox.drain() { dispatch(action) }
            let afterEvent = DispatchTime.now().uptimeNanoseconds
            if state.autoplay, afterEvent >= nextTick {
                dispatch(.tick)
                nextTick = afterEvent + UInt64(state.autoplayDelay) * 1_000_000
            }
        }
        saveTrainingOnExit()
        return 0
    }

    mutating func dispatch(_ action: Action) {
        let (next, effects) = reduce(state, action)
        state = next
        for effect in effects { perform(effect) }
    }

    mutating func perform(_ effect: Effect) {
        switch effect {
        case let .restart(lane, prompt, knobs, generation):
            worker.restart(lane: lane, prompt: prompt, knobs: knobs, generation: generation)
        case let .restartRepair(source, rates, knobs, generation):
            worker.restartRepair(source: source, rates: rates, knobs: knobs, generation: generation)
        case let .step(request): worker.run(request, replan: false)
        case let .replan(request): worker.run(request, replan: true)
        case let .keepSteps(lane, nodes): worker.keepSteps(lane: lane, nodes: nodes)
        case let .saveTrace(path): saveTrace(path)
        case let .openTrace(path): openTrace(path)
        case let .startTraining(settings): startTraining(settings)
        case .pauseTraining: options.trainer?.pause()
        case .resumeTraining: options.trainer?.resume()
        case .saveTraining:
            do { try options.trainer?.save() } catch { dispatch(.workFailed(lane: nil, message: "\(error)")) }
        case let .openModel(directory): openModel(directory)
        }
    }

    mutating func saveTrace(_ path: String) {
        guard let frames = state.history?.frames, let context = traceContext else {
            dispatch(.workFailed(lane: nil, message: "nothing to save yet"))
            return
        }
        do {
            try TraceFiles.save(frames, context: context, to: path)
            dispatch(.traceSaved(path: path))
        } catch {
            dispatch(.workFailed(lane: nil, message: "\(error)"))
        }
    }

    mutating func openTrace(_ path: String) {
        do {
            let trace = try TraceFiles.load(path)
            guard state.hasModel else {
                dispatch(.replaySourceOpened(name: "replay: \(trace.context.model)", maskToken: trace.context.specialTokens.mask,
                                             pieces: options.replayPieces ?? PieceLookup { "#\($0)" }))
                traceContext = trace.context
                dispatch(.traceOpened(path: path, prompt: trace.prompt.map { state.pieces($0) }.joined(), frames: trace.frames))
                return
            }
            worker.adoptTrace(path: path, prompt: trace.prompt.map { state.pieces($0) }.joined(), frames: trace.frames)
        } catch {
            dispatch(.workFailed(lane: nil, message: "\(error)"))
        }
    }

    mutating func startTraining(_ settings: TrainSettings) {
        guard let trainer = options.trainer else {
            dispatch(.workFailed(lane: nil, message: "training from the UI is not available in this build; use flowlm train"))
            return
        }
        let mailbox = self.mailbox
        do {
            try trainer.start(settings) { progress in mailbox.post(.training(progress)) }
        } catch {
            dispatch(.workFailed(lane: nil, message: "\(error)"))
        }
    }

    mutating func openModel(_ directory: String) {
        guard let load = options.loadModel else {
            dispatch(.workFailed(lane: nil, message: "cannot load \(directory): no model loader in this build"))
            return
        }
        do {
            let model = try load(directory)
            worker.replaceModel(model)
            traceContext = TraceFiles.Context(model: model.name, vocabularySize: model.denoiser.vocabularySize,
                                              specialTokens: model.denoiser.specialTokens)
            dispatch(.modelOpened(name: model.name, maskToken: model.denoiser.specialTokens.mask, pieces: model.pieces))
        } catch {
            dispatch(.workFailed(lane: nil, message: "\(error)"))
        }
    }

    /// Closing mid-training saves the same way `flowlm train` does on an interrupt.
    func saveTrainingOnExit() {
        guard state.training.phase == .running || state.training.phase == .paused else { return }
        try? options.trainer?.save()
    }
}
