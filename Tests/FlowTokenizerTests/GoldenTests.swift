import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

/// One golden.json written by Tools/make_tokenizer_fixtures.py from HF tokenizers 0.23.3.
struct GoldenCase {
    struct Expected { var ids: [TokenID]; var tokens: [String]; var offsets: [Range<Int>] }
    var text: String
    var withSpecial: Expected
    var withoutSpecial: Expected
    var decoded: String
    var decodedSkipSpecial: String

    static func load(_ relative: String) throws -> [GoldenCase] {
        let json = try JSONValue.parse(Data(contentsOf: FixturePath.url(relative)))
        return try #require(json["cases"]?.arrayValue).map { c in
            func expected(_ v: JSONValue?) throws -> Expected {
                let v = try #require(v)
                return Expected(
                    ids: try #require(v["ids"]?.arrayValue).map { TokenID(try #require($0.intValue)) },
                    tokens: try #require(v["tokens"]?.arrayValue).map { try #require($0.stringValue) },
                    offsets: try #require(v["offsets"]?.arrayValue).map { pair in
                        let p = try #require(pair.arrayValue)
                        return try #require(p[0].intValue)..<(try #require(p[1].intValue))
                    })
            }
            return GoldenCase(
                text: try #require(c["text"]?.stringValue),
                withSpecial: try expected(c["with_special"]), withoutSpecial: try expected(c["without_special"]),
                decoded: try #require(c["decoded"]?.stringValue),
                decodedSkipSpecial: try #require(c["decoded_skip_special"]?.stringValue))
        }
    }
}

let goldenVariants = [
    "bytelevel-prefix-string-merges", "bytelevel-noprefix-pair-merges", "bytelevel-postprocessor-trim",
    "added-tokens-nfc", "split-digits-isolated", "split-removed", "split-mergedwithprevious",
    "split-mergedwithnext", "split-contiguous", "split-isolated-inverted",
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
            }
            #expect(tokenizer.decode(c.withSpecial.ids, skipSpecialTokens: false) == c.decoded)
            #expect(tokenizer.decode(c.withSpecial.ids, skipSpecialTokens: true) == c.decodedSkipSpecial)
        }
    }
}
