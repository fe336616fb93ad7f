import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct TextWindowsTests {
    @Test func windowsAreFramedPaddedAndSplitByTheFixedRule() throws {
        let text = String(repeating: "abcdefghij", count: 25)  // 250 characters
        let docs = [CorpusDocument(path: "a.txt", text: text), CorpusDocument(path: "b.txt", text: "xyz")]
        let windows = try TextWindows(documents: docs, encode: characterEncoder, specials: testSpecials, length: 12,
                                      split: ValidationSplit(period: 5))
        // 250 + 1 separator + 3 = 254 content tokens, 10 per window: 26 windows, 5 held out (indices 4, 9, …, 24).
        #expect(windows.tokenCount == 254)
        #expect(windows.train.count + windows.validation.count == 26)
        #expect(windows.validation.count == 5)
        let all = windows.train + windows.validation
        for w in all {
            #expect(w.ids.count == 12 && w.ids[0] == testSpecials.cls)
            #expect(w.editable[0] == false && w.editable.contains(true))
            for (id, editable) in zip(w.ids, w.editable) where testSpecials.isReserved(id) { #expect(!editable) }
        }
        // The tail window (index 25, a training window): the 4 content tokens "[SEP]xyz", [SEP], padding.
        let tail = try #require(windows.train.last)
        #expect(Array(tail.ids[1..<5]) == [testSpecials.sep] + characterEncoder("xyz"))
        #expect(tail.ids.suffix(6).allSatisfy { $0 == testSpecials.pad })
        #expect(tail.ids[5] == testSpecials.sep)
    }

    @Test func splitRuleWithFewExamples() {
        let split = ValidationSplit(period: 20)
        #expect(split.split([1]).validation.isEmpty)
        #expect(split.split([1, 2, 3]).validation == [3])
        let many = split.split(Array(0..<45))
        #expect(many.validation == [19, 39])
    }

    @Test func tokenizerFailureNamesTheDocument() {
        struct Boom: Error {}
        let docs = [CorpusDocument(path: "bad.txt", text: "x")]
        let error = #expect(throws: DataError.self) {
            try TextWindows(documents: docs, encode: { _ in throw Boom() }, specials: testSpecials, length: 8)
        }
        #expect(error?.path == "bad.txt")
    }
}
