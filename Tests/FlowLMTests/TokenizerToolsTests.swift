import Foundation
import Testing
import FlowCore
import FlowTestSupport
import FlowTokenizer
@testable import FlowLM

@Suite struct TokenizerToolsTests {
    static let fixture = FixturePath.url("tokenizer/swift-trained/tokenizer.json")

    @Test func tokenizerFileWinsOverModelDirectory() throws {
        #expect(try TokenizerTools.tokenizerURL(model: "/m", tokenizer: "/t.json").path == "/t.json")
        #expect(try TokenizerTools.tokenizerURL(model: "/m", tokenizer: nil).path == "/m/tokenizer.json")
        #expect(throws: FileProblem.self) { try TokenizerTools.tokenizerURL(model: nil, tokenizer: nil) }
    }

    @Test func jsonOutputRoundTripsTheEncoding() throws {
        let tokenizer = try Tokenizer.load(from: Self.fixture)
        let encoding = tokenizer.encode("Café\tau lait 😀", addSpecialTokens: true)
        let json = try JSONValue.parse(TokenizerTools.json(encoding))
        #expect(json["ids"]?.arrayValue?.compactMap(\.intValue).map { TokenID($0) } == encoding.ids)
        #expect(json["tokens"]?.arrayValue?.compactMap(\.stringValue) == encoding.tokens)
        let offsets = json["offsets"]?.arrayValue?.compactMap { $0.arrayValue?.compactMap(\.intValue) }
        #expect(offsets == encoding.offsets.map { [$0.lowerBound, $0.upperBound] })
    }

    @Test func tableHasOneRowPerTokenWithTheCoveredText() throws {
        let tokenizer = try Tokenizer.load(from: Self.fixture)
        let text = "tab\there"
        let encoding = tokenizer.encode(text, addSpecialTokens: true)
        let rows = TokenizerTools.table(encoding, text: text).split(separator: "\n")
        #expect(rows.count == encoding.count + 1)
        #expect(rows[0].hasPrefix("#"))
        #expect(rows.contains { $0.contains("\\t") })
        #expect(!rows.dropFirst().contains { $0.contains("\t") })
    }

    @Test func trainWritesATokenizerThatLoads() throws {
        let dir = FixturePath.temporaryDirectory("flowlm-tokenizer-tools")
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("corpus.txt")
        try "the cat sat on the mat\nthe cat ate the rat\n".write(to: input, atomically: true, encoding: .utf8)
        let output = dir.appendingPathComponent("tokenizer.json")
        let summary = try TokenizerTools.train(inputs: [input.path], vocabularySize: 270, minFrequency: 1, output: output.path)
        #expect(summary.contains("270 tokens"))
        let tokenizer = try Tokenizer.load(from: output)
        #expect(tokenizer.vocabularySize == 270)
        #expect(tokenizer.decode(tokenizer.encode("the cat").ids, skipSpecialTokens: true) == "the cat")
    }
}
