import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

/// WordPiece pieces one at a time: the greedy longest match, the unknown word, the character limit, the
/// decoder's cleanup, the normalizer's offsets. Expected values are HF tokenizers 0.23.3's.
@Suite struct WordPieceTests {
    /// A tokenizer.json with a WordPiece model; vocabulary ids in list order.
    static func document(vocab: [String], unk: String = "[UNK]", prefix: String = "##", maxChars: Int = 100,
                         normalizer: JSONValue = .null, preTokenizer: JSONValue = .object([("type", .string("WhitespaceSplit"))]),
                         decoder: JSONValue = .null, postProcessor: JSONValue = .null) -> JSONValue {
        .object([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null), ("added_tokens", .array([])),
            ("normalizer", normalizer), ("pre_tokenizer", preTokenizer), ("post_processor", postProcessor),
            ("decoder", decoder),
            ("model", .object([
                ("type", .string("WordPiece")), ("unk_token", .string(unk)),
                ("continuing_subword_prefix", .string(prefix)), ("max_input_chars_per_word", .number(String(maxChars))),
                ("vocab", .object(vocab.enumerated().map { ($1, .number(String($0))) })),
            ])),
        ])
    }

    static func tokenizer(_ document: JSONValue) throws -> Tokenizer {
        try Tokenizer(jsonData: Data(document.serialized.utf8), path: "wordpiece.json")
    }

    static func tokens(_ tokenizer: Tokenizer, _ text: String) -> [String] {
        tokenizer.encode(text, addSpecialTokens: false).tokens
    }

    @Test func longestMatchComesFirst() throws {
        let t = try Self.tokenizer(Self.document(vocab: ["[UNK]", "un", "##aff", "##able", "unaff", "a", "##b"]))
        let encoding = t.encode("unaffable", addSpecialTokens: false)
        #expect(encoding.tokens == ["unaff", "##able"])
        #expect(encoding.offsets == [0..<5, 5..<9])
        #expect(Self.tokens(t, "ab") == ["a", "##b"])
    }

    /// Greedy is not a search: "ab" is taken, "##c" is missing, so the word is unknown although
    /// "a ##bc" would spell it.
    @Test func aWordGreedyCannotFinishIsOneUnknown() throws {
        let t = try Self.tokenizer(Self.document(vocab: ["[UNK]", "a", "ab", "##bc"]))
        let encoding = t.encode("abc a", addSpecialTokens: false)
        #expect(encoding.tokens == ["[UNK]", "a"])
        #expect(encoding.offsets == [0..<3, 4..<5])
    }

    @Test func wordsOverTheCharacterLimitAreOneUnknown() throws {
        let t = try Self.tokenizer(Self.document(vocab: ["[UNK]", "un", "##aff", "##able", "unaff", "##x"], maxChars: 9))
        #expect(Self.tokens(t, "unaffable") == ["unaff", "##able"])  // 9 scalars: at the limit
        let over = t.encode("unaffablex unaff", addSpecialTokens: false)  // 10 scalars, each piece known
        #expect(over.tokens == ["[UNK]", "unaff"])
        #expect(over.offsets == [0..<10, 11..<16])
        // The limit counts scalars, not bytes or graphemes: "e" + U+0301 is two.
        let marks = try Self.tokenizer(Self.document(vocab: ["[UNK]", "e", "##e", "##\u{301}"], maxChars: 9))
        #expect(Self.tokens(marks, String(repeating: "e\u{301}", count: 4)).count == 8)
        #expect(Self.tokens(marks, String(repeating: "e\u{301}", count: 5)) == ["[UNK]"])
        let zero = try Self.tokenizer(Self.document(vocab: ["[UNK]", "a"], maxChars: 0))
        #expect(Self.tokens(zero, "a a") == ["[UNK]", "[UNK]"])
    }

    @Test func anyPrefixWorks() throws {
        let t = try Self.tokenizer(Self.document(vocab: ["[UNK]", "un", "@@aff", "@@able"], prefix: "@@"))
        #expect(Self.tokens(t, "unaffable") == ["un", "@@aff", "@@able"])
        let none = try Self.tokenizer(Self.document(vocab: ["[UNK]", "un", "aff", "able"], prefix: ""))
        #expect(Self.tokens(none, "unaffable") == ["un", "aff", "able"])
    }

    /// Rust compares strings by bytes: "e" + U+0301 is not the vocabulary's "é", which Swift's String
    /// equality would say it is.
    @Test func vocabularyLookupIsByBytesNotCanonicalEquivalence() throws {
        let t = try Self.tokenizer(Self.document(vocab: ["[UNK]", "e", "é", "##\u{301}"]))
        let encoding = t.encode("e\u{301} é", addSpecialTokens: false)
        #expect(encoding.tokens == ["e", "##\u{301}", "é"])
        #expect(encoding.offsets == [0..<1, 1..<2, 3..<4])
        #expect(t.id(for: "é") == 2)
        #expect(t.id(for: "e\u{301}") == nil)
        // And two canonically equivalent tokens are two entries, not a duplicate.
        _ = try Self.tokenizer(Self.document(vocab: ["[UNK]", "é", "e\u{301}"]))
    }

    /// A normalized added token that is also a vocabulary token: the model still spells its tokens its own
    /// way, while id -> token (and so decode) reads the added token through the normalizer.
    @Test func modelTokensKeepTheirSpellingBesideNormalizedAddedTokens() throws {
        func added(_ content: String, _ id: Int, special: Bool) -> JSONValue {
            .object([("id", .number(String(id))), ("content", .string(content)), ("single_word", .bool(false)),
                     ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(true)), ("special", .bool(special))])
        }
        var document = Self.document(vocab: ["[UNK]", "Hello", "hello", "x"], normalizer: .object([("type", .string("Lowercase"))]),
                                     decoder: .object([("type", .string("WordPiece")), ("prefix", .string("##")), ("cleanup", .bool(true))]))
        document = HostileInputTests.replacing(document, at: ["added_tokens"], with: .array([added("[UNK]", 0, special: true), added("Hello", 1, special: false)]))
        let t = try Self.tokenizer(document)
        let encoding = t.encode("ð x HELLO Hello [UNK]", addSpecialTokens: false)
        #expect(encoding.tokens == ["[UNK]", "x", "hello", "hello", "[unk]"])
        #expect(encoding.ids == [0, 3, 1, 1, 0])
        #expect(t.tokenString(0) == "[unk]")
        // "[unk]" is not the special token's content "[UNK]", so HF's decode does not skip it.
        #expect(t.decode(encoding.ids, skipSpecialTokens: true) == "[unk] x hello hello [unk]")
    }

    @Test func decoderJoinsAndCleansUpLikeHF() {
        let decoder = Decoder.wordPiece(prefix: "##", cleanup: true)
        #expect(decoder.decode(["##ing", "hello", "##world", ",", "don", "'", "t", ".", "n't", "'s", "I", " 'm", " do not", "a"])
                == "##ing helloworld, don ' t.n't's I 'm  don't a")
        #expect(decoder.decode(["a", " ' ", "b"]) == "a ' b")
        #expect(Decoder.wordPiece(prefix: "@@", cleanup: false).decode(["un", "@@aff", "##able", "."]) == "unaff ##able .")
        #expect(decoder.decode([]) == "")
    }

    @Test func bertNormalizerOffsetsPointAtTheOriginal() throws {
        let bert: JSONValue = .object([
            ("type", .string("BertNormalizer")), ("clean_text", .bool(true)), ("handle_chinese_chars", .bool(true)),
            ("strip_accents", .null), ("lowercase", .bool(true)),
        ])
        let vocab = ["[UNK]", "cafe", "北", "京", "x", "##y", "i", "##\u{307}"]
        let t = try Self.tokenizer(Self.document(vocab: vocab, normalizer: bert, preTokenizer: .object([("type", .string("BertPreTokenizer"))])))
        let encoding = t.encode("CAFÉ北京x\u{0}y", addSpecialTokens: false)
        #expect(encoding.tokens == ["cafe", "北", "京", "x", "##y"])
        #expect(encoding.offsets == [0..<4, 4..<5, 5..<6, 6..<7, 8..<9])
        #expect(t.encode("\u{FEFF}cafe", addSpecialTokens: false).offsets == [1..<5])
        #expect(Self.tokens(t, "İ") == ["i"])  // stripped: NFD drops the dot above, then lowercase
        // Without stripping, İ lowercases to i + U+0307: two tokens from one scalar, both pointing at it.
        let keep = try Self.tokenizer(Self.document(vocab: vocab, normalizer: .object([
            ("type", .string("BertNormalizer")), ("clean_text", .bool(true)), ("handle_chinese_chars", .bool(true)),
            ("strip_accents", .bool(false)), ("lowercase", .bool(true)),
        ]), preTokenizer: .object([("type", .string("BertPreTokenizer"))])))
        let dotted = keep.encode("İ", addSpecialTokens: false)
        #expect(dotted.tokens == ["i", "##\u{307}"])
        #expect(dotted.offsets == [0..<1, 0..<1])
    }

    /// HF's category tables are older than Swift's: these are punctuation or marks to Swift, not to HF.
    @Test func characterClassesAreHFsNotSwifts() {
        #expect(HFUnicode.isBertPunctuation("$") && HFUnicode.isBertPunctuation("`") && HFUnicode.isBertPunctuation("~"))
        #expect(HFUnicode.isBertPunctuation("\u{00BF}") && !HFUnicode.isBertPunctuation("\u{00A9}"))
        #expect(!HFUnicode.isBertPunctuation("\u{2E43}"))  // Unicode 10's DASH WITH LEFT UPTURN
        #expect(HFUnicode.isNonspacingMark("\u{0301}") && !HFUnicode.isNonspacingMark("\u{07FD}"))  // Unicode 11
        #expect(HFUnicode.isCleanTextRemoved("\u{0}") && HFUnicode.isCleanTextRemoved("\u{FFFD}")
                && HFUnicode.isCleanTextRemoved("\u{AD}") && HFUnicode.isCleanTextRemoved("\u{E000}"))
        #expect(!HFUnicode.isCleanTextRemoved("\t") && !HFUnicode.isCleanTextRemoved("\r") && !HFUnicode.isCleanTextRemoved("a"))
        #expect(HFUnicode.isWhitespaceWord("_") && HFUnicode.isWhitespaceWord("\u{16EE}") && !HFUnicode.isWhitespaceWord("\u{088F}"))
        #expect(HFUnicode.isCJKIdeograph("北") && !HFUnicode.isCJKIdeograph("タ") && !HFUnicode.isCJKIdeograph("한"))
        // The tables' ASCII fast paths agree with the tables themselves.
        for v in UInt32(0)..<128 {
            let s = Unicode.Scalar(v)!
            #expect(HFUnicode.isBertPunctuation(s) == HFUnicodeTables.contains(HFUnicodeTables.bertPunctuation, v))
            #expect(HFUnicode.isCleanTextRemoved(s) == HFUnicodeTables.contains(HFUnicodeTables.cleanTextRemoved, v))
            #expect(HFUnicode.isWhitespaceWord(s) == HFUnicodeTables.contains(HFUnicodeTables.whitespaceWord, v))
        }
    }

    @Test func tablesAreSortedDisjointRanges() {
        for table in [HFUnicodeTables.cleanTextRemoved, HFUnicodeTables.bertPunctuation, HFUnicodeTables.nonspacingMark,
                      HFUnicodeTables.whitespaceWord] {
            #expect(table.count % 2 == 0 && !table.isEmpty)
            for k in stride(from: 0, to: table.count, by: 2) {
                #expect(table[k] <= table[k + 1])
                if k + 2 < table.count { #expect(table[k + 1] + 1 < table[k + 2]) }
            }
        }
    }
}

/// The API other modules use, on the WordPiece and RoBERTa fixtures.
@Suite struct WordPieceTokenizerTests {
    static func load(_ variant: String) throws -> Tokenizer {
        try Tokenizer.load(from: FixturePath.url("tokenizer/\(variant)/tokenizer.json"))
    }

    @Test func specialTokensByName() throws {
        #expect(try Self.load("wordpiece-uncased").specialTokens == SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1))
        let roberta = try Self.load("roberta-bytelevel")
        #expect(roberta.specialTokens == SpecialTokens(pad: 1, cls: 0, sep: 2, mask: 4, unk: 3))
    }

    @Test func piecesShowWordStartsAndContinuations() throws {
        let tokenizer = try Self.load("wordpiece-uncased")
        let encoding = tokenizer.encode("The quick", addSpecialTokens: true)
        let pieces = encoding.ids.map { tokenizer.pieceText($0) }
        #expect(pieces.first == "[CLS]" && pieces.last == "[SEP]")
        #expect(pieces.dropFirst().dropLast().joined() == " the quick")
        let continuation = try #require(tokenizer.id(for: "##e"))
        #expect(tokenizer.pieceText(continuation) == "e")
    }

    @Test func lookupsAgreeBothWays() throws {
        let tokenizer = try Self.load("wordpiece-cased-bertprocessing")
        for id in 0..<TokenID(tokenizer.vocabularySize) {
            let token = try #require(tokenizer.tokenString(id))
            #expect(tokenizer.id(for: token) == id)
        }
    }

    /// HF reads a normalized added token back through the normalizer, and decode skips by string.
    @Test func normalizedAddedTokensReadBackNormalized() throws {
        let tokenizer = try Self.load("wordpiece-whitespace-nfd")
        let id = try #require(tokenizer.id(for: "New York"))
        #expect(tokenizer.tokenString(id) == "new york")
        #expect(tokenizer.encode("NEW YORK", addSpecialTokens: false).tokens == ["new york"])
        #expect(tokenizer.decode([id, id], skipSpecialTokens: true) == "new york new york")
    }

    @Test func decodeInvertsEncodeForCleanText() throws {
        let tokenizer = try Self.load("wordpiece-cased-bertprocessing")
        let text = "The quick brown fox jumps over the lazy dog."
        #expect(tokenizer.decode(tokenizer.encode(text).ids, skipSpecialTokens: true) == text)
    }

    @Test func concurrentEncodingMatchesSequential() throws {
        let tokenizer = try Self.load("wordpiece-uncased")
        let texts = (0..<64).map { "line \($0): Café naïve 北京 \($0 * 7919) [MASK] unaffable" }
        let expected = texts.map { tokenizer.encode($0) }
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in results.set(i, tokenizer.encode(texts[i])) }
        #expect(results.values == expected)
    }

    @Test func jsonDataLoadsBackToTheSameTokenizer() throws {
        let tokenizer = try Self.load("wordpiece-whitespace-nfd")
        let copy = try Tokenizer(jsonData: tokenizer.jsonData())
        let text = "New York, École 北京 cat"
        #expect(copy.encode(text, pair: "b") == tokenizer.encode(text, pair: "b"))
    }
}
