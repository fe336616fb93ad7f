import Foundation
import Testing
import FlowCore
@testable import FlowTokenizer
import FlowTestSupport

/// Encoding a long text a chunk at a time gives exactly the ids of one encode, for every tokenizer family.
@Suite struct ChunkedEncodingTests {
    static let variants = ["bytelevel-prefix-string-merges", "bytelevel-noprefix-pair-merges", "split-digits-isolated",
                           "wordpiece-uncased", "wordpiece-cased-bertprocessing", "roberta-bytelevel", "swift-trained"]

    @Test(arguments: variants)
    func chunksGiveTheIdsOfOneEncode(variant: String) throws {
        let tokenizer = try Tokenizer.load(from: FixturePath.url("tokenizer/\(variant)/tokenizer.json"))
        let corpus = try String(contentsOf: FixturePath.url("tokenizer/corpus.txt"), encoding: .utf8)
        // Newlines folded away too, so chunks must end at spaces; some runs of spaces and punctuation added.
        let text = corpus + corpus.replacingOccurrences(of: "\n", with: " ") + "  double  spaces , and (parens) end."
        let whole = tokenizer.encode(text, addSpecialTokens: false).ids
        for chunk in [7, 64, 1000] {
            #expect(tokenizer.encodeIDs(text, chunkBytes: chunk) == whole, "\(variant), chunks of \(chunk) bytes")
        }
    }

    @Test func textWithoutASafeSpaceIsEncodedWhole() throws {
        let tokenizer = try Tokenizer.load(from: FixturePath.url("tokenizer/swift-trained/tokenizer.json"))
        let text = String(repeating: "abc,", count: 500) + "  \n\t" + String(repeating: "日本", count: 100)
        #expect(tokenizer.encodeIDs(text, chunkBytes: 16) == tokenizer.encode(text, addSpecialTokens: false).ids)
    }
}
