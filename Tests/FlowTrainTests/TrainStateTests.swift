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

    static func state(step: Int) -> TrainState {
        TrainState(step: step, tokensSeen: 10, knobs: Self.knobs(),
                   batcher: BatcherState(data: DataPosition(), corruptionRandom: FlowRandom(seed: 1).state), parameterCount: 40)
    }

    static let weights = (0..<40).map { Float($0) / 7 }

    @Test func roundTripsEverything() throws {
        let dir = FixturePath.temporaryDirectory()
        let optimizer = Self.optimizer(steps: 3)
        var rng = FlowRandom(seed: 42)
        _ = rng.next()
        let state = TrainState(step: 3, tokensSeen: 1234, knobs: Self.knobs(),
                               batcher: BatcherState(data: DataPosition(epoch: 2, offset: 5, produced: 41), corruptionRandom: rng.state),
                               randomStates: ["validation": FlowRandom(seed: 9).state], parameterCount: 40)
        try TrainStateStore.save(state, optimizer: optimizer, parameters: Self.weights, to: dir)
        let saved = try TrainStateStore.load(from: dir, decayRanges: [0..<30])
        #expect(saved.state == state)
        #expect(saved.parameters == Self.weights)
        #expect(saved.optimizer.firstMoment == optimizer.firstMoment && saved.optimizer.secondMoment == optimizer.secondMoment)
        #expect(saved.optimizer.step == 3 && saved.optimizer.decayRanges == [0..<30])
        #expect(FlowRandom(state: saved.state.batcher.corruptionRandom) == rng)
    }

    /// The state file is the commit point: a JSON copy left over from another save does not matter.
    @Test func theStateFileAloneDecides() throws {
        let dir = FixturePath.temporaryDirectory()
        try TrainStateStore.save(Self.state(step: 2), optimizer: Self.optimizer(steps: 2), parameters: Self.weights, to: dir)
        _ = writeFile(#"{"format": 2, "step": 7}"#, TrainState.jsonFileName, in: dir)
        #expect(try TrainStateStore.load(from: dir, decayRanges: []).state == Self.state(step: 2))
        try FileManager.default.removeItem(at: dir.appendingPathComponent(TrainState.jsonFileName))
        #expect(try TrainStateStore.load(from: dir, decayRanges: []).state.step == 2)
    }

    /// Format 1 (moments only, train_state.json authoritative, weights in model.safetensors) still resumes.
    @Test func formatOneStillLoadsAndItsMismatchesAreRefused() throws {
        func writeFormatOne(_ state: TrainState, optimizer: AdamW, to dir: URL) throws {
            var legacy = state
            legacy.format = 1
            try SafeTensorsWriter.write([
                TensorPayload(name: "optimizer.exp_avg", shape: [40], floats: optimizer.firstMoment),
                TensorPayload(name: "optimizer.exp_avg_sq", shape: [40], floats: optimizer.secondMoment),
            ], metadata: ["format": "flowlm-train-state", "step": String(optimizer.step)], to: dir.appendingPathComponent(TrainState.tensorFileName))
            try JSONEncoder().encode(legacy).write(to: dir.appendingPathComponent(TrainState.jsonFileName))
        }
        let dir = FixturePath.temporaryDirectory()
        try writeFormatOne(Self.state(step: 2), optimizer: Self.optimizer(steps: 2), to: dir)
        let saved = try TrainStateStore.load(from: dir, decayRanges: [])
        #expect(saved.parameters == nil && saved.state.step == 2 && saved.state.format == 1)
        // Moments from another step (a format-1 save interrupted between its two files).
        try writeFormatOne(Self.state(step: 2), optimizer: Self.optimizer(steps: 3), to: dir)
        var stale = Self.state(step: 2); stale.format = 1
        try JSONEncoder().encode(stale).write(to: dir.appendingPathComponent(TrainState.jsonFileName))
        let stepError = try #require(throws: FileProblem.self) { try TrainStateStore.load(from: dir, decayRanges: []) }
        #expect(stepError.problem.contains("step 3") && stepError.problem.contains("step 2"))
        // A JSON file with a field missing.
        _ = writeFile(#"{"format": 1, "step": 2}"#, TrainState.jsonFileName, in: dir)
        let jsonError = try #require(throws: FileProblem.self) { try TrainStateStore.load(from: dir, decayRanges: []) }
        #expect(jsonError.path.hasSuffix(TrainState.jsonFileName) && jsonError.problem.contains("missing"))
    }

    @Test func damagedOrMissingStateIsRefused() throws {
        let dir = FixturePath.temporaryDirectory()
        try TrainStateStore.save(Self.state(step: 2), optimizer: Self.optimizer(steps: 2), parameters: Self.weights, to: dir)
        let file = try SafeTensorsFile(contentsOf: dir.appendingPathComponent(TrainState.tensorFileName))
        let payloads = try file.tensors.map { info in
            try file.withBytes(info.name) { TensorPayload(name: info.name, dtype: info.dtype, shape: info.shape, bytes: Data($0)) }
        }
        var metadata = file.metadata
        metadata["train_state"] = #"{"format": 2, "step": 2}"#
        try SafeTensorsWriter.write(payloads, metadata: metadata, to: dir.appendingPathComponent(TrainState.tensorFileName))
        let error = try #require(throws: FileProblem.self) { try TrainStateStore.load(from: dir, decayRanges: []) }
        #expect(error.path.hasSuffix(TrainState.tensorFileName) && error.problem.contains("missing"))
        let none = try #require(throws: FileProblem.self) { try TrainStateStore.load(from: FixturePath.temporaryDirectory(), decayRanges: []) }
        #expect(none.problem.contains("no train state"))
    }
}
