import Testing
import FlowCore
import FlowModel

@Suite struct TokenBatchTests {
    @Test func padsOnTheRightToTheLongestSequence() {
        let batch = TokenBatch(sequences: [[5, 6, 7], [8]], padID: 0)
        #expect(batch.length == 3 && batch.batchSize == 2 && batch.lengths == [3, 1])
        #expect(batch.ids == [5, 6, 7, 8, 0, 0])
        #expect(batch.attentionMask == [1, 1, 1, 1, 0, 0])
    }

    @Test func readsAnHFAttentionMask() throws {
        let batch = try TokenBatch(ids: [1, 2, 3, 4, 5, 6], attentionMask: [1, 1, 0, 1, 1, 1], batchSize: 2, length: 3)
        #expect(batch.lengths == [2, 3])
    }

    @Test func refusesLeftPaddingAndRaggedInput() {
        #expect(throws: ModelInputError.self) {
            try TokenBatch(ids: [1, 2, 3], attentionMask: [0, 1, 1], batchSize: 1, length: 3)
        }
        #expect(throws: ModelInputError.self) {
            try TokenBatch(ids: [1, 2, 3], attentionMask: [1, 1], batchSize: 1, length: 3)
        }
        #expect(throws: ModelInputError.self) {
            try TokenBatch(ids: [1, 2, 3], attentionMask: [1, 2, 0], batchSize: 1, length: 3)
        }
    }
}
