import Foundation
import FlowCore
import FlowModel
import FlowTrain
import FlowTUI

/// The train screen's backend: a `TrainRun` advanced on its own thread, pausable, posting `TrainingProgress`.
/// Only the training thread touches the run once it has started; `save()` from another thread asks that
/// thread to save after its current step and waits for it, so a save never races an optimiser update.
public final class TrainRunTrainer: TUITrainer, @unchecked Sendable {
    /// Turns the screen's choices into run options (tests inject tiny shapes here).
    public var makeOptions: (TrainSettings) throws -> TrainOptions
    /// A sample is refined every this many steps (and at the end).
    public var sampleEvery: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var paused = false
    private var saveRequests = 0
    private var savesDone = 0
    private var saveError: (any Error)?
    private var running = false
    private var stopRequested = false
    private var run: TrainRun?
    private var currentSettings: TrainSettings?

    public init(sampleEvery: Int = 100, makeOptions: @escaping (TrainSettings) throws -> TrainOptions = TrainRunTrainer.defaultOptions) {
        self.sampleEvery = sampleEvery
        self.makeOptions = makeOptions
    }

    /// `synthetic:<task>` means `task:<task>`; anything else is a corpus path. The screen's knobs map onto
    /// `--p-sub` and `--w-keep`; the rest are `flowlm train`'s defaults.
    public static func defaultOptions(_ settings: TrainSettings) throws -> TrainOptions {
        let data = settings.corpus.hasPrefix("synthetic:")
            ? TrainingData.syntheticPrefix + settings.corpus.dropFirst("synthetic:".count) : settings.corpus
        var options = TrainOptions(data: data, output: URL(fileURLWithPath: settings.outputDirectory))
        guard let objective = Objective(rawValue: settings.objective) else {
            throw TrainSetupError("unknown objective '\(settings.objective)'")
        }
        guard let preset = ModelPreset(rawValue: settings.preset) else { throw TrainSetupError("unknown preset '\(settings.preset)'") }
        options.objective = objective
        options.preset = preset
        options.substitutionPeak = settings.substituteRate
        options.weightKept = Float(settings.keepWeight)
        if data.hasPrefix(TrainingData.syntheticPrefix) { options.length = 32 }
        options.command = "flowlm tui (train screen: \(settings.corpus), \(settings.objective), \(settings.preset))"
        return options
    }

    public func start(_ settings: TrainSettings, report: @escaping @Sendable (TrainingProgress) -> Void) throws {
        condition.lock()
        let busy = running
        let sameRun = settings == currentSettings
        condition.unlock()
        if busy {
            // After a save the screen shows "saved" rather than "paused", and its start key comes here:
            // the same settings continue the run; other settings cannot start a second one beside it.
            guard sameRun else { throw TrainSetupError("a training run is in progress; quit (it saves) before starting another") }
            resume()
            return
        }
        let options = try makeOptions(settings)
        let run = try TrainRun(options: options)
        condition.lock()
        self.run = run
        currentSettings = settings
        running = true
        paused = false
        stopRequested = false
        condition.unlock()
        // The run is handed over through `self.run`: from here on only the training thread uses it.
        let thread = Thread { [self] in
            condition.lock()
            let run = self.run
            condition.unlock()
            if let run { train(run, report: report) }
        }
        thread.name = "flowlm.train"
        thread.start()
    }

    public func pause() { setPaused(true) }
    public func resume() { setPaused(false) }

    /// Saves now: the training thread saves after its current step; with no thread running, saves here.
    public func save() throws {
        condition.lock()
        guard running else {
            let idle = run
            condition.unlock()
            try idle?.save()
            return
        }
        saveRequests += 1
        let target = saveRequests
        condition.broadcast()
        while savesDone < target && running { condition.wait() }
        let error = saveError
        saveError = nil
        condition.unlock()
        if let error { throw error }
    }

    /// Stops the training thread after its current step (without saving) and waits for it.
    public func stop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    public var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return running
    }

    private func setPaused(_ value: Bool) {
        condition.lock()
        paused = value
        condition.broadcast()
        condition.unlock()
    }

    private func train(_ run: TrainRun, report: @escaping @Sendable (TrainingProgress) -> Void) {
        var progress = TrainingProgressBuilder(totalSteps: run.options.steps, firstStep: run.step)
        report(progress.value(phase: .running))
        var postedPause = false
        defer {
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while paused && !stopRequested && saveRequests == savesDone {
                if !postedPause {
                    postedPause = true
                    condition.unlock()
                    report(progress.value(phase: .paused))
                    condition.lock()
                    continue
                }
                condition.wait()
            }
            let wantsSave = saveRequests > savesDone
            let target = saveRequests
            let stop = stopRequested
            let isPaused = paused
            condition.unlock()

            if wantsSave {
                report(progress.value(phase: .saving))
                let error: (any Error)?
                do { try run.save(); error = nil } catch let e { error = e }
                condition.lock()
                savesDone = target
                saveError = error
                condition.broadcast()
                condition.unlock()
                report(progress.value(phase: error.map { .failed(message: "\($0)") } ?? .saved(directory: run.options.output.path)))
                if error != nil { return }
            }
            if stop { return }
            if isPaused { continue }
            postedPause = false
            if run.isFinished {
                do {
                    try run.save()
                    report(progress.value(phase: .finished(directory: run.options.output.path)))
                } catch {
                    report(progress.value(phase: .failed(message: "\(error)")))
                }
                return
            }
            do {
                let step = try run.advance()
                progress.add(step, validation: step.step % run.options.evaluateEvery == 0 || run.isFinished ? run.lastValidation : nil)
                if step.step % run.options.saveEvery == 0 { try run.save() }
                if step.step % sampleEvery == 0 || run.isFinished {
                    progress.sample = (step.step, try run.sample.refine(model: run.trainable.model, specials: run.specials,
                                                                         seed: run.options.seed))
                }
                report(progress.value(phase: .running))
            } catch {
                report(progress.value(phase: .failed(message: "\(error)")))
                return
            }
        }
    }
}
