import FlowCore
import FlowTestSupport
import FlowTrain
import FlowTUI
import Foundation
import Synchronization
import Testing
@testable import FlowLM

/// Collects what the trainer posts (from its thread) and lets the test wait for a condition.
private final class ProgressLog: Sendable {
    private let values = Mutex<[TrainingProgress]>([])
    func post(_ progress: TrainingProgress) { values.withLock { $0.append(progress) } }
    var all: [TrainingProgress] { values.withLock { $0 } }
    var last: TrainingProgress? { all.last }

    func wait(seconds: Double = 60, until condition: (TrainingProgress) -> Bool) -> TrainingProgress? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let hit = all.last(where: condition) { return hit }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return nil
    }
}

@Suite struct TrainRunTrainerTests {
    private func trainer(output: URL, steps: Int) -> TrainRunTrainer {
        TrainRunTrainer(sampleEvery: 4) { settings in
            var options = TinyRun.options(output: output, steps: steps)
            options.objective = Objective(rawValue: settings.objective) ?? .flowlm
            return options
        }
    }

    @Test func runsToTheEndPostingCurvesAccuraciesAndSamples() throws {
        let out = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let log = ProgressLog()
        let trainer = trainer(output: out, steps: 8)
        try trainer.start(TrainSettings()) { log.post($0) }
        let finished = try #require(log.wait { if case .finished = $0.phase { return true } else { return false } })
        #expect(finished.step == 8 && finished.totalSteps == 8 && finished.fraction == 1)
        #expect(finished.tokensPerSecond > 0)
        #expect(finished.curves.contains { $0.name == "loss masked" && $0.points.count == 8 })
        #expect(finished.curves.contains { $0.name.hasPrefix("val ") && !$0.points.isEmpty })
        #expect(finished.accuracyMasked != nil)
        #expect(finished.sampleStep == 8)
        // A palindrome sample ends with the task checker's verdict on it.
        #expect(finished.sampleText.hasSuffix("✓") || finished.sampleText.hasSuffix("✗"))
        #expect(finished.savedDirectory == out.path)
        #expect(try TinyRun.weightsStep(out) == 8)
        // The steps arrive in order, one progress value each.
        let steps = log.all.filter { $0.phase == .running }.map(\.step)
        #expect(steps == steps.sorted())
    }

    @Test func pauseHoldsTheStepAndSaveWritesThatStep() throws {
        let out = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let log = ProgressLog()
        let trainer = trainer(output: out, steps: 100_000)
        try trainer.start(TrainSettings()) { log.post($0) }
        #expect(log.wait { $0.step >= 2 } != nil)
        var otherSettings = TrainSettings()
        otherSettings.objective = "llada"
        #expect(throws: TrainSetupError.self) { try trainer.start(otherSettings) { _ in } }
        trainer.pause()
        let paused = try #require(log.wait { $0.phase == .paused })
        Thread.sleep(forTimeInterval: 0.2)
        #expect(log.last?.step == paused.step)
        try trainer.save()
        #expect(try TinyRun.weightsStep(out) == paused.step)
        #expect(log.wait { $0.phase == .saved(directory: out.path) } != nil)
        // The screen now shows "saved", so its start key asks to start with the same settings: that resumes.
        try trainer.start(TrainSettings()) { _ in Issue.record("a second run was started") }
        #expect(log.wait { $0.step > paused.step && $0.phase == .running } != nil)
        // Closing mid-training: save, then stop; the checkpoint is whole and resumable.
        try trainer.save()
        trainer.stop()
        #expect(!trainer.isRunning)
        let saved = try #require(try TinyRun.weightsStep(out))
        #expect(saved > paused.step)
        var options = TinyRun.options(output: out, steps: 100_000)
        options.resume = true
        #expect(try TrainRun(options: options).step == saved)
    }

    @Test func screenSettingsMapOntoTrainOptions() throws {
        var settings = TrainSettings()
        settings.corpus = "synthetic:addition"
        settings.objective = "uniform"
        settings.substituteRate = 0.35
        settings.keepWeight = 0.5
        settings.outputDirectory = "/tmp/x"
        let options = try TrainRunTrainer.defaultOptions(settings)
        #expect(options.data == "task:addition")
        #expect(options.objective == .uniform)
        #expect(options.substitutionPeak == 0.35 && options.weightKept == 0.5)
        #expect(options.output.path == "/tmp/x")
        settings.preset = "base"
        let tooBig = try TrainRunTrainer.defaultOptions(settings)
        #expect(throws: TrainSetupError.self) { try TrainRun(options: tooBig) }
    }
}
