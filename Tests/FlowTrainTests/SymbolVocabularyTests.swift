import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

/// The tokenizer.json each synthetic task writes is committed under Fixtures/train/tokenizers/ and
/// checked by Tools/check_symbol_tokenizer.py with HF tokenizers, which records HF's ids for sample texts
/// in encodings.json. These tests tie the Swift side to both: same file bytes, same ids.
/// Set FLOWLM_UPDATE_FIXTURES=1 to rewrite the tokenizer files (then rerun the Python check).
struct SymbolVocabularyTests {
    static func tasks() throws -> [any SyntheticTask] {
        [try PalindromeTask(), try BracketTask(), try AdditionTask()]
    }

    @Test func tokenizerFilesMatchTheCommittedOnesHFChecked() throws {
        let update = ProcessInfo.processInfo.environment["FLOWLM_UPDATE_FIXTURES"] == "1"
        for task in try Self.tasks() {
            let url = FixturePath.url("train/tokenizers/\(task.name).json")
            let text = task.vocabulary.tokenizerJSON().serialized + "\n"
            if update { try task.vocabulary.writeTokenizer(to: url) }
            let committed = try String(contentsOf: url, encoding: .utf8)
            #expect(committed == text, "\(task.name): regenerate with FLOWLM_UPDATE_FIXTURES=1 and rerun Tools/check_symbol_tokenizer.py")
        }
    }

    @Test func encodingMatchesHFTokenizers() throws {
        let data = try Data(contentsOf: FixturePath.url("train/tokenizers/encodings.json"))
        let root = try JSONValue.parse(Array(data))
        var checked = 0
        for task in try Self.tasks() {
            let samples = try #require(root[task.name]?.arrayValue, "no samples for \(task.name)")
            for sample in samples {
                let text = try #require(sample["text"]?.stringValue)
                let hfIds = try #require(sample["ids"]?.arrayValue).compactMap { $0.intValue.map(TokenID.init) }
                let specials = task.vocabulary.specials
                let ours = [specials.cls] + task.vocabulary.encode(text) + [specials.sep]
                #expect(ours == hfIds, "\(task.name): \(text)")
                checked += 1
            }
        }
        #expect(checked >= 15)
    }

    @Test func vocabularyLayoutAndRoundTrip() throws {
        let vocabulary = try SymbolVocabulary(symbols: "0123456789+=")
        #expect(vocabulary.size == 17)
        #expect(vocabulary.token(0) == "[PAD]" && vocabulary.token(4) == "[MASK]" && vocabulary.token(5) == "0")
        #expect(vocabulary.token(17) == nil)
        let ids = vocabulary.encode("12+34=46")
        #expect(ids == [6, 7, 15, 8, 9, 16, 9, 11])
        #expect(vocabulary.decode(ids + [4, 0]) == "12+34=46")
        #expect(vocabulary.encode("1 x[MASK]") == [6, 1, 1, 4])
    }

    @Test func badSymbolSetsAreRefused() {
        #expect(throws: SettingError.self) { try SymbolVocabulary(symbols: "") }
        #expect(throws: SettingError.self) { try SymbolVocabulary(symbols: "a b") }
        #expect(throws: SettingError.self) { try SymbolVocabulary(symbols: "abca") }
        #expect(throws: SettingError.self) { try SymbolVocabulary(symbols: "aé") }
    }
}
