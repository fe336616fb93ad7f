import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct TrainingDataTests {
    @Test func dispatchesOnTheArgument() throws {
        let dir = FixturePath.temporaryDirectory()
        let text = writeFile(String(repeating: "to be or not to be ", count: 20), "corpus.txt", in: dir)
        let data = try TrainingData.load(text.path, encode: characterEncoder, specials: testSpecials, length: 32)
        #expect(data.source == .text && !data.train.isEmpty && data.validation.count == 1)
        #expect(data.summary.contains("corpus.txt: 380 tokens in 13 windows of 32"))

        let pairs = writeFile(#"{"prompt": "q", "response": "a"}"# + "\n", "pairs.jsonl", in: dir)
        let pairData = try TrainingData.load(pairs.path, encode: characterEncoder, specials: testSpecials, length: 32)
        #expect(pairData.source == .promptResponse && pairData.train.count == 1)

        let task = try TrainingData.load("task:addition", encode: { _ in [] }, specials: testSpecials, length: 32)
        #expect(task.source == .synthetic(.addition) && task.train.isEmpty)
        #expect(task.validation.count == TrainingData.syntheticValidationCount)
        let again = try TrainingData.load("task:addition", encode: { _ in [] }, specials: testSpecials, length: 32)
        #expect(again.validation == task.validation, "the synthetic validation set is fixed")

        let unknown = try #require(throws: DataError.self) {
            try TrainingData.load("task:sorting", encode: characterEncoder, specials: testSpecials, length: 32)
        }
        #expect(unknown.description.contains("palindrome, dyck, addition"))
        #expect(throws: DataError.self) { try TrainingData.load("task:dyck", encode: characterEncoder, specials: testSpecials, length: 8) }
    }

    @Test func everyNamedTaskBuilds() {
        for name in SyntheticTaskName.allCases { #expect(name.makeTask().name == name.rawValue) }
    }

    @Test func unigramCountsCoverEditablePositionsOnly() {
        let example = TrainingExample(ids: [2, 5, 6, 5, 3], editable: [false, true, false, true, false])
        #expect(TrainingData.unigramCounts([example, example], vocabularySize: 8) == [0, 0, 0, 0, 0, 4, 0, 0])
    }

    @Test func anySourceForwardsToItsBase() throws {
        let examples = BatcherTests.examples(4)
        var typed = try ShuffledExamples(examples: examples, seed: 2)
        var erased = AnyExampleSource(try ShuffledExamples(examples: examples, seed: 2))
        for _ in 0..<6 { #expect(typed.next() == erased.next()) }
        #expect(erased.position == typed.position)
        try erased.restore(DataPosition(epoch: 0, offset: 1))
        #expect(erased.position.offset == 1)
    }
}
