import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

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
