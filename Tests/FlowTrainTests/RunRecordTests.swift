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

struct TrainingLogTests {
    static func metrics() throws -> KindMetrics {
        let (r, _) = try WeightedCrossEntropy.compute(logits: [0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1], vocabularySize: 6,
                                                      labels: [5, 0], weights: [1, 1], kinds: [.masked, .kept],
                                                      excludedToken: 4, wantGradient: false)
        var m = KindMetrics()
        m.add(r, labels: [5, 0], kinds: [.masked, .kept], weights: [1, 1])
        return m
    }

    @Test func recordsHaveTheDocumentedKeys() throws {
        let record = TrainingLogRecord(step: 7, learningRate: 1e-4, train: try Self.metrics(), validation: try Self.metrics(),
                                       gradientNorm: .nan, tokensPerSecond: 1500.5, tokensSeen: 900, elapsedSeconds: 2)
        let json = record.json
        let keys = try #require(json.objectValue).map(\.key)
        #expect(keys == ["step", "lr", "loss", "loss_masked", "acc_masked", "loss_kept", "acc_kept", "val_loss",
                         "val_loss_masked", "val_acc_masked", "val_loss_kept", "val_acc_kept", "grad_norm", "tokens_per_s",
                         "tokens_seen", "elapsed_s"])
        #expect(json["step"]?.intValue == 7 && json["acc_masked"]?.doubleValue == 1 && json["acc_kept"]?.doubleValue == 0)
        #expect(json["grad_norm"]?.isNull == true, "NaN is written as null")
        #expect(json["lr"]?.doubleValue == 1e-4)
        #expect(try JSONValue.parse(json.serialized) == json)
    }

    @Test func resumingDropsRecordsAfterTheCheckpoint() throws {
        let url = FixturePath.temporaryDirectory().appendingPathComponent("train_log.jsonl")
        let m = try Self.metrics()
        func record(_ step: Int) -> TrainingLogRecord {
            TrainingLogRecord(step: step, learningRate: 1, train: m, gradientNorm: 1, tokensPerSecond: 1, tokensSeen: step, elapsedSeconds: 0)
        }
        do {
            let log = try TrainingLogWriter(url: url)
            for s in 1...5 { try log.append(record(s)) }
        }
        do {
            let log = try TrainingLogWriter(url: url, resumingAfterStep: 3)
            try log.append(record(4))
        }
        let steps = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            .compactMap { try? JSONValue.parse(String($0))["step"]?.intValue }
        #expect(steps == [1, 2, 3, 4])
        _ = try TrainingLogWriter(url: url)
        #expect(try String(contentsOf: url, encoding: .utf8).isEmpty, "a fresh run starts a fresh log")
    }
}

struct ModelCardTests {
    @Test func cardStatesTheFacts() throws {
        let facts = ModelCardFacts(modelName: "toy-flowlm", data: "corpus.txt: 5000 tokens in 40 windows of 128",
                                   knobs: TrainStateTests.knobs(), parameterCount: 123_456, steps: 100, tokensSeen: 51_200,
                                   finalTrain: try TrainingLogTests.metrics(), finalValidation: nil,
                                   command: "flowlm train --data corpus.txt --out checkpoints/toy --objective flowlm --preset toy")
        let dir = FixturePath.temporaryDirectory()
        try ModelCard.write(facts, to: dir)
        let text = try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        for needle in ["# toy-flowlm", "corpus.txt: 5000 tokens", "flowlm: t ~ U[0.001, 1]", "0.25", "Steps: 100",
                       "Tokens seen: 51200", "123456", "| train |", "acc 1.0000", "flowlm train --data corpus.txt", "library_name: transformers"] {
            #expect(text.contains(needle), "model card lacks \(needle)")
        }
        #expect(!text.contains("| validation |"))
    }
}
