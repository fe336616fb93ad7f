import Foundation
import Testing
import FlowCore
import FlowLM
import FlowModel
import FlowTestSupport

@Suite struct LogitsReportTests {
    func report() throws -> LogitsReport<[Float]> {
        let model = try ModelDirectory(FixturePath.url("model/bf16")).loadModel()
        let ids: [TokenID] = [5, 9, 17, 3]
        return LogitsReport(ids: ids, output: try model.forward(TokenBatch(sequences: [ids], padID: 0), policy: .serial))
    }

    @Test func topKIsSortedAndArgmaxIsItsHead() throws {
        let r = try report()
        for t in 0..<r.ids.count {
            let top = r.top(position: t, k: 4)
            #expect(top.count == 4)
            #expect(zip(top, top.dropFirst()).allSatisfy { $0.logit >= $1.logit })
            #expect(top[0].id == r.argmax[t])
            let row = r.logits[(t * r.vocabularySize)..<((t + 1) * r.vocabularySize)]
            #expect(top[0].logit == row.max())
            #expect(top.allSatisfy { $0.probability > 0 && $0.probability <= 1 })
        }
    }

    @Test func jsonHasIdsArgmaxAndLogits() throws {
        let r = try report()
        let json = try JSONValue.parse(r.json(topK: 2))
        #expect(json["ids"]?.arrayValue?.compactMap(\.intValue) == r.ids.map(Int.init))
        #expect(json["argmax"]?.arrayValue?.compactMap(\.intValue) == r.argmax.map(Int.init))
        #expect(json["logits"]?.arrayValue?.count == r.ids.count)
        #expect(json["logits"]?.arrayValue?.first?.arrayValue?.count == r.vocabularySize)
        #expect(json["top_k"]?.arrayValue?.first?.arrayValue?.count == 2)
    }
}
