import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct TrainStateTests {
    static func knobs() -> TrainingKnobs {
        var corruption = CorruptionKnobs(objective: .flowlm)
        corruption.weightKept = 0.25
        return TrainingKnobs(corruption: corruption,
                             schedule: LearningRateSchedule(peak: 3e-4, warmupSteps: 10, totalSteps: 100),
                             batchSize: 8, length: 64, accumulation: 2, clipNorm: 1, seed: UInt64.max - 5)
    }

    static func optimizer(steps: Int) -> AdamW {
        var rng = FlowRandom(seed: 1)
        var parameters = (0..<40).map { _ in Float(rng.nextGaussian()) }
        var optimizer = AdamW(parameterCount: 40, decayRanges: [0..<30])
        for _ in 0..<steps {
            optimizer.update(parameters: &parameters, gradients: (0..<40).map { _ in Float(rng.nextGaussian()) }, learningRate: 1e-3)
        }
        return optimizer
    }

    @Test func roundTripsEverything() throws {
        let dir = FixturePath.temporaryDirectory()
        let optimizer = Self.optimizer(steps: 3)
        var rng = FlowRandom(seed: 42)
        _ = rng.next()
        let state = TrainState(step: 3, tokensSeen: 1234, knobs: Self.knobs(),
                               batcher: BatcherState(data: DataPosition(epoch: 2, offset: 5, produced: 41), corruptionRandom: rng.state),
                               randomStates: ["validation": FlowRandom(seed: 9).state], parameterCount: 40)
        try TrainStateStore.save(state, optimizer: optimizer, to: dir)
        let (loaded, restored) = try TrainStateStore.load(from: dir, decayRanges: [0..<30])
        #expect(loaded == state)
        #expect(restored.firstMoment == optimizer.firstMoment && restored.secondMoment == optimizer.secondMoment)
        #expect(restored.step == 3 && restored.decayRanges == [0..<30])
        #expect(FlowRandom(state: loaded.batcher.corruptionRandom) == rng)
    }

    @Test func mismatchedOrDamagedFilesAreRefused() throws {
        let dir = FixturePath.temporaryDirectory()
        let state = TrainState(step: 2, tokensSeen: 10, knobs: Self.knobs(),
                               batcher: BatcherState(data: DataPosition(), corruptionRandom: FlowRandom(seed: 1).state),
                               parameterCount: 40)
        try TrainStateStore.save(state, optimizer: Self.optimizer(steps: 2), to: dir)
        // Moments from another step (a save interrupted between the two files).
        let other = FixturePath.temporaryDirectory()
        try TrainStateStore.save(state, optimizer: Self.optimizer(steps: 3), to: other)
        try FileManager.default.removeItem(at: dir.appendingPathComponent(TrainState.tensorFileName))
        try FileManager.default.copyItem(at: other.appendingPathComponent(TrainState.tensorFileName),
                                         to: dir.appendingPathComponent(TrainState.tensorFileName))
        let stepError = try #require(throws: FileProblem.self) { try TrainStateStore.load(from: dir, decayRanges: []) }
        #expect(stepError.problem.contains("step 3") && stepError.problem.contains("step 2"))
        // A JSON file with a field missing.
        _ = writeFile(#"{"format": 1, "step": 2}"#, TrainState.jsonFileName, in: dir)
        let jsonError = try #require(throws: FileProblem.self) { try TrainStateStore.load(from: dir, decayRanges: []) }
        #expect(jsonError.path.hasSuffix(TrainState.jsonFileName) && jsonError.problem.contains("missing"))
        #expect(throws: FileProblem.self) { try TrainStateStore.load(from: FixturePath.temporaryDirectory(), decayRanges: []) }
    }
}
