import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

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
