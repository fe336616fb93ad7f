import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct TextCorpusTests {
    @Test func folderIsReadInSortedPathOrder() throws {
        let dir = FixturePath.temporaryDirectory()
        _ = writeFile("second", "b.txt", in: dir)
        _ = writeFile("first", "a.txt", in: dir)
        _ = writeFile("nested", "c/z.txt", in: dir)
        _ = writeFile("ignored", "notes.md", in: dir)
        let docs = try TextCorpus.load(dir)
        #expect(docs.map(\.text) == ["first", "second", "nested"])
    }

    @Test func singleFileWithByteOrderMark() throws {
        let dir = FixturePath.temporaryDirectory()
        let url = writeBytes([0xEF, 0xBB, 0xBF] + Array("héllo\n".utf8), "one.txt", in: dir)
        #expect(try TextCorpus.load(url).map(\.text) == ["héllo\n"])
    }

    @Test func emptyCorpusIsAnError() throws {
        let dir = FixturePath.temporaryDirectory()
        #expect(throws: DataError.self) { try TextCorpus.load(dir) }
        _ = writeFile(" \n\t\n", "blank.txt", in: dir)
        let error = try #require(throws: DataError.self) { try TextCorpus.load(dir) }
        #expect(error.description.contains("empty"))
        let missing = try #require(throws: DataError.self) { try TextCorpus.load(dir.appendingPathComponent("nope.txt")) }
        #expect(missing.description.contains("nope.txt"))
    }

    @Test func invalidUTF8NamesFileLineAndOffset() throws {
        let dir = FixturePath.temporaryDirectory()
        _ = writeFile("fine\n", "a.txt", in: dir)
        let bytes = Array("line one\nline two é\nthird ".utf8) + [0xC3, 0x28] + Array(" rest\n".utf8)
        let bad = writeBytes(bytes, "b.txt", in: dir)
        let error = try #require(throws: DataError.self) { try TextCorpus.load(dir) }
        #expect(error.path == bad.path)
        #expect(error.line == 3)
        #expect(error.byteOffset == Array("line one\nline two é\nthird ".utf8).count)
        #expect(error.description.contains("b.txt:3") && error.description.contains("UTF-8"))
        // A truncated sequence at the very end, and a lone continuation byte at the start.
        #expect(throws: DataError.self) { try TextCorpus.decodeUTF8([0x61, 0xE2, 0x82], path: "x") }
        let lone = try #require(throws: DataError.self) { try TextCorpus.decodeUTF8([0x80, 0x61], path: "x") }
        #expect(lone.byteOffset == 0 && lone.line == 1)
    }
}

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
