import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

/// One golden.json written by Tools/make_tokenizer_fixtures.py from HF tokenizers 0.23.3.
struct GoldenCase {
    struct Expected { var ids: [TokenID]; var tokens: [String]; var offsets: [Range<Int>]; var typeIDs: [UInt32] }
    var text: String
    var withSpecial: Expected
    var withoutSpecial: Expected
    var decoded: String
    var decodedSkipSpecial: String

    static func expected(_ v: JSONValue?) throws -> Expected {
        let v = try #require(v)
        return Expected(
            ids: try #require(v["ids"]?.arrayValue).map { TokenID(try #require($0.intValue)) },
            tokens: try #require(v["tokens"]?.arrayValue).map { try #require($0.stringValue) },
            offsets: try #require(v["offsets"]?.arrayValue).map { pair in
                let p = try #require(pair.arrayValue)
                return try #require(p[0].intValue)..<(try #require(p[1].intValue))
            },
            typeIDs: try #require(v["type_ids"]?.arrayValue).map { UInt32(try #require($0.intValue)) })
    }

    /// (first, second, with specials, without) for each pair case.
    static func loadPairs(_ relative: String) throws -> [(String, String, Expected, Expected)] {
        let json = try JSONValue.parse(Data(contentsOf: FixturePath.url(relative)))
        return try #require(json["pairs"]?.arrayValue).map { p in
            (try #require(p["first"]?.stringValue), try #require(p["second"]?.stringValue),
             try expected(p["with_special"]), try expected(p["without_special"]))
        }
    }

    static func load(_ relative: String) throws -> [GoldenCase] {
        let json = try JSONValue.parse(Data(contentsOf: FixturePath.url(relative)))
        return try #require(json["cases"]?.arrayValue).map { c in
            return GoldenCase(
                text: try #require(c["text"]?.stringValue),
                withSpecial: try expected(c["with_special"]), withoutSpecial: try expected(c["without_special"]),
                decoded: try #require(c["decoded"]?.stringValue),
                decodedSkipSpecial: try #require(c["decoded_skip_special"]?.stringValue))
        }
    }
}

let goldenVariants = [
    "swift-trained",
    "bytelevel-prefix-string-merges", "bytelevel-noprefix-pair-merges", "bytelevel-postprocessor-trim",
    "added-tokens-nfc", "split-digits-isolated", "split-removed", "split-mergedwithprevious",
    "split-mergedwithnext", "split-contiguous", "split-isolated-inverted",
    "roberta-bytelevel", "roberta-prefix-space",
] + wordPieceVariants

let wordPieceVariants = [
    "wordpiece-uncased", "wordpiece-cased-bertprocessing", "wordpiece-max-chars", "wordpiece-strip-no-clean",
    "wordpiece-whitespace-nfd",
]

@Suite struct GoldenTests {
    @Test(arguments: goldenVariants)
    func encodesAndDecodesLikeHF(_ variant: String) throws {
        let tokenizer = try Tokenizer.load(from: FixturePath.url("tokenizer/\(variant)/tokenizer.json"))
        let cases = try GoldenCase.load("tokenizer/\(variant)/golden.json")
        #expect(cases.count > 20)
        for c in cases {
            for (add, expected) in [(true, c.withSpecial), (false, c.withoutSpecial)] {
                let got = tokenizer.encode(c.text, addSpecialTokens: add)
                #expect(got.ids == expected.ids, "ids of \(c.text.debugDescription) add=\(add)")
                #expect(got.tokens == expected.tokens, "tokens of \(c.text.debugDescription) add=\(add)")
                #expect(got.offsets == expected.offsets, "offsets of \(c.text.debugDescription) add=\(add)")
                #expect(got.typeIDs == expected.typeIDs, "type ids of \(c.text.debugDescription) add=\(add)")
            }
            #expect(tokenizer.decode(c.withSpecial.ids, skipSpecialTokens: false) == c.decoded,
                    "decoded \(c.text.debugDescription)")
            #expect(tokenizer.decode(c.withSpecial.ids, skipSpecialTokens: true) == c.decodedSkipSpecial,
                    "decoded without specials \(c.text.debugDescription)")
        }
    }

    @Test(arguments: goldenVariants)
    func encodesPairsLikeHF(_ variant: String) throws {
        let tokenizer = try Tokenizer.load(from: FixturePath.url("tokenizer/\(variant)/tokenizer.json"))
        let pairs = try GoldenCase.loadPairs("tokenizer/\(variant)/golden.json")
        #expect(pairs.count >= 3)
        for (first, second, withSpecial, withoutSpecial) in pairs {
            for (add, expected) in [(true, withSpecial), (false, withoutSpecial)] {
                let got = tokenizer.encode(first, pair: second, addSpecialTokens: add)
                #expect(got.ids == expected.ids, "\(first.debugDescription) + \(second.debugDescription) add=\(add)")
                #expect(got.tokens == expected.tokens)
                #expect(got.offsets == expected.offsets)
                #expect(got.typeIDs == expected.typeIDs)
            }
        }
    }

    /// Decoding an encoding gives the text back wherever the pipeline loses nothing (no normalizer,
    /// no removed splits), specials skipped.
    @Test(arguments: ["bytelevel-noprefix-pair-merges", "bytelevel-postprocessor-trim", "swift-trained"])
    func decodeInvertsEncode(_ variant: String) throws {
        let tokenizer = try Tokenizer.load(from: FixturePath.url("tokenizer/\(variant)/tokenizer.json"))
        for c in try GoldenCase.load("tokenizer/\(variant)/golden.json") {
            let ids = tokenizer.encode(c.text, addSpecialTokens: true).ids
            #expect(tokenizer.decode(ids, skipSpecialTokens: true) == c.text.replacingOccurrences(of: "[MASK]", with: "")
                .replacingOccurrences(of: "[PAD]", with: "").replacingOccurrences(of: "[SEP]", with: "")
                .replacingOccurrences(of: "[CLS]", with: ""))
        }
    }
}
