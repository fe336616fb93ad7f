import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct PromptResponseDataTests {
    func load(_ text: String, maximumLength: Int = 32) throws(DataError) -> PromptResponseData {
        try PromptResponseData(text: text, path: "pairs.jsonl", encode: characterEncoder, specials: testSpecials,
                               maximumLength: maximumLength, split: ValidationSplit(period: 3))
    }

    @Test func onlyTheResponseIsEditable() throws {
        let data = try load(#"{"prompt": "ab", "response": "xyz", "id": 7}"# + "\n\n" + #"{"response": "q", "prompt": ""}"# + "\n")
        #expect(data.pairCount == 2 && data.skippedTooLong == 0)
        let first = try #require(data.train.first)
        #expect(first.ids == [2] + characterEncoder("ab") + [3] + characterEncoder("xyz") + [3])
        #expect(first.editable == [false, false, false, false, true, true, true, false])
        #expect(data.validation.last?.ids == [2, 3] + characterEncoder("q") + [3], "2 pairs: the last is held out")
    }

    @Test func tooLongPairsAreSkippedAndCounted() throws {
        let lines = [
            #"{"prompt": "a", "response": "b"}"#,
            #"{"prompt": "aaaaaaaaaa", "response": "bbbbbbbbbb"}"#,
            #"{"prompt": "aa", "response": "bb"}"#,
        ]
        let data = try load(lines.joined(separator: "\r\n"), maximumLength: 8)
        #expect(data.pairCount == 3 && data.skippedTooLong == 1)
        #expect(data.train.count + data.validation.count == 2)
        let all = try #require(throws: DataError.self) { try load(lines[1], maximumLength: 8) }
        #expect(all.description.contains("longer than the context"))
    }

    @Test func badLinesNameFileAndLine() throws {
        let cases: [(String, Int, String)] = [
            (#"{"prompt": "a", "response": "b"}"# + "\n" + #"{"prompt": "a"}"#, 2, "missing field \"response\""),
            ("\n\n" + #"{"prompt": "a", "response": 3}"#, 3, "not a string"),
            (#"{"prompt": "a", "response": "b"}"# + "\n" + #"{"prompt": "a", "#, 2, "invalid JSON"),
            (#"["prompt", "response"]"#, 1, "expected a JSON object"),
        ]
        for (text, line, message) in cases {
            let error = try #require(throws: DataError.self) { try load(text) }
            #expect(error.path == "pairs.jsonl" && error.line == line, "\(error)")
            #expect(error.description.contains("pairs.jsonl:\(line)") && error.description.contains(message), "\(error)")
        }
        let empty = try #require(throws: DataError.self) { try load("\n  \n") }
        #expect(empty.description.contains("no prompt/response pairs"))
    }

    @Test func fileWithInvalidUTF8IsRefused() throws {
        let dir = FixturePath.temporaryDirectory()
        let url = writeBytes(Array(#"{"prompt": "a", "response": "b"}"#.utf8) + [0x0A, 0xFF], "pairs.jsonl", in: dir)
        let error = try #require(throws: DataError.self) {
            try PromptResponseData(url: url, encode: characterEncoder, specials: testSpecials, maximumLength: 16)
        }
        #expect(error.line == 2 && error.path == url.path)
    }
}
