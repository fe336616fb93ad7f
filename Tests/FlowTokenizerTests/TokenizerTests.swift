import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

/// The API other modules call: lookups, special tokens, per-token display pieces, thread safety.
@Suite struct TokenizerTests {
    static func load(_ variant: String) throws -> Tokenizer {
        try Tokenizer.load(from: FixturePath.url("tokenizer/\(variant)/tokenizer.json"))
    }

    @Test func lookupsAgreeBothWays() throws {
        let tokenizer = try Self.load("added-tokens-nfc")
        #expect(tokenizer.vocabularySize == 605)
        for id in 0..<TokenID(tokenizer.vocabularySize) {
            let token = try #require(tokenizer.tokenString(id))
            #expect(tokenizer.id(for: token) == id)
        }
        #expect(tokenizer.tokenString(TokenID(tokenizer.vocabularySize)) == nil)
        #expect(tokenizer.id(for: "no such token") == nil)
    }

    @Test func specialTokensByName() throws {
        let bert = try Self.load("bytelevel-prefix-string-merges")
        #expect(bert.specialTokens == SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1))
        // "<mask>" is also present here, but "[MASK]" comes first in the search order.
        #expect(try Self.load("added-tokens-nfc").specialTokens?.mask == 4)
        #expect(bert.isSpecial(2) && !bert.isSpecial(100))
    }

    @Test func piecesAreTheBytesOfOneToken() throws {
        let tokenizer = try Self.load("swift-trained")
        let text = "é😀 x"
        let encoding = tokenizer.encode(text, addSpecialTokens: false)
        let bytes = encoding.ids.flatMap { tokenizer.pieceBytes($0) }
        #expect(bytes == Array(text.utf8))
        // The emoji is split into byte tokens; each alone is an incomplete UTF-8 sequence shown as U+FFFD.
        let partial = try #require(encoding.ids.first { tokenizer.pieceBytes($0).first == 0xF0 })
        #expect(tokenizer.pieceText(partial).unicodeScalars.allSatisfy { $0 == "\u{FFFD}" })
        #expect(tokenizer.pieceText(tokenizer.id(for: "[CLS]") ?? -1) == "[CLS]")
    }

    @Test func decodeKeepsOrSkipsSpecials() throws {
        let tokenizer = try Self.load("swift-trained")
        let ids = tokenizer.encode("a [MASK] b", addSpecialTokens: true).ids
        #expect(tokenizer.decode(ids, skipSpecialTokens: false) == "[CLS]a [MASK] b[SEP]")
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "a  b")
    }

    @Test func concurrentEncodingMatchesSequential() throws {
        let tokenizer = try Self.load("added-tokens-nfc")
        let texts = (0..<64).map { "line \($0): Café naïve résumé \($0 * 7919) 😀 <mask> cat" }
        let expected = texts.map { tokenizer.encode($0) }
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in results.set(i, tokenizer.encode(texts[i])) }
        #expect(results.values == expected)
    }

    @Test func jsonDataLoadsBackToTheSameTokenizer() throws {
        let tokenizer = try Self.load("split-digits-isolated")
        let copy = try Tokenizer(jsonData: tokenizer.jsonData())
        let text = "abc 123 déf\u{301}"
        #expect(copy.encode(text) == tokenizer.encode(text))
    }
}

/// Results written from concurrentPerform, one slot per iteration.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Encoding?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: Encoding) { lock.lock(); slots[i] = value; lock.unlock() }
    var values: [Encoding] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}
