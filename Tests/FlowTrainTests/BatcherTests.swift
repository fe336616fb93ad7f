import Testing
import FlowCore
@testable import FlowTrain

struct BatcherTests {
    static func corruptor(_ objective: Objective = .flowlm) throws -> Corruptor {
        try Corruptor(knobs: CorruptionKnobs(objective: objective), specials: testSpecials, vocabularySize: 60)
    }

    static func examples(_ n: Int) -> [TrainingExample] {
        (0..<n).map { promptAnswerExample(prompt: $0 % 3, answer: 4 + $0 % 5, padding: 0, firstId: TokenID(5 + $0)) }
    }

    @Test func batchShapesAndPadding() throws {
        let source = try ShuffledExamples(examples: Self.examples(7), seed: 1)
        var batcher = Batcher(source: source, corruptor: try Self.corruptor(), batchSize: 3, length: 16, seed: 2)
        let batch = batcher.nextBatch()
        #expect(batch.inputIds.count == 48 && batch.labels.count == 48 && batch.weights.count == 48 && batch.kinds.count == 48)
        let mask = batch.attentionMask
        for b in 0..<3 {
            #expect(batch.lengths[b] < 16)
            for p in batch.lengths[b]..<16 {
                let k = b * 16 + p
                #expect(batch.inputIds[k] == testSpecials.pad && batch.kinds[k] == .ignored && batch.weights[k] == 0 && !mask[k])
            }
            #expect(batch.inputIds[b * 16] == testSpecials.cls && mask[b * 16])
        }
        #expect(batch.tokenCount == batch.lengths.reduce(0, +))
    }

    @Test func everyExampleOncePerEpochInAFreshOrder() throws {
        let examples = Self.examples(10)
        var source = try ShuffledExamples(examples: examples, seed: 3)
        let first = (0..<10).map { _ in source.next() }
        let second = (0..<10).map { _ in source.next() }
        #expect(Set(first.map(\.ids)) == Set(examples.map(\.ids)))
        #expect(Set(second.map(\.ids)) == Set(examples.map(\.ids)))
        #expect(first != second, "each epoch has its own permutation")
        #expect(source.position.epoch == 1 && source.position.offset == 10 && source.position.produced == 20)
    }

    @Test func restoredBatcherContinuesBitForBit() throws {
        let source = try ShuffledExamples(examples: Self.examples(9), seed: 4)
        var original = Batcher(source: source, corruptor: try Self.corruptor(), batchSize: 4, length: 16, seed: 5)
        for _ in 0..<5 { _ = original.nextBatch() }
        let saved = original.state
        let expected = (0..<4).map { _ in original.nextBatch() }
        var resumed = Batcher(source: try ShuffledExamples(examples: Self.examples(9), seed: 4), corruptor: try Self.corruptor(),
                              batchSize: 4, length: 16, seed: 999)
        try resumed.restore(saved)
        #expect((0..<4).map { _ in resumed.nextBatch() } == expected)
    }

    @Test func syntheticSourceRestores() throws {
        let task = try AdditionTask(maximumDigits: 2)
        let corruptor = try Corruptor(knobs: CorruptionKnobs(objective: .llada), specials: task.vocabulary.specials,
                                      vocabularySize: task.vocabulary.size)
        var batcher = Batcher(source: try SyntheticExamples(task: task, seed: 6, contextLength: 16), corruptor: corruptor,
                              batchSize: 2, length: 16, seed: 7)
        _ = batcher.nextBatch()
        let saved = batcher.state
        let expected = batcher.nextBatch()
        var resumed = Batcher(source: try SyntheticExamples(task: task, seed: 0, contextLength: 16), corruptor: corruptor,
                              batchSize: 2, length: 16, seed: 0)
        try resumed.restore(saved)
        #expect(resumed.nextBatch() == expected)
        #expect(saved.data.produced == 2)
        #expect(throws: DataError.self) { try SyntheticExamples(task: task, seed: 1, contextLength: 8) }
    }

    @Test func badPositionsAreRefused() throws {
        var source = try ShuffledExamples(examples: Self.examples(3), seed: 1)
        #expect(throws: DataError.self) { try source.restore(DataPosition(epoch: 0, offset: 4)) }
        var batcher = Batcher(source: source, corruptor: try Self.corruptor(), batchSize: 1, length: 16, seed: 1)
        #expect(throws: DataError.self) {
            try batcher.restore(BatcherState(data: DataPosition(), corruptionRandom: [0, 0, 0, 0]))
        }
        #expect(throws: DataError.self) { try ShuffledExamples(examples: [], seed: 1) }
    }

    @Test func validationBatchesAreFixed() throws {
        let examples = Self.examples(7)
        let a = Batch.fixed(examples, corruptor: try Self.corruptor(), batchSize: 3, length: 16, seed: 8)
        let b = Batch.fixed(examples, corruptor: try Self.corruptor(), batchSize: 3, length: 16, seed: 8)
        #expect(a == b)
        #expect(a.map(\.batchSize) == [3, 3, 1])
        #expect(a[0].labels[0..<examples[0].ids.count].elementsEqual(examples[0].ids), "in order")
    }
}
