import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

/// Broken WordPiece tokenizer.json files: each gives a TokenizerError naming the file and the problem.
@Suite struct WordPieceHostileInputTests {
    static let path = "/models/bert/tokenizer.json"

    /// A small valid BERT-style document: specials, BertNormalizer, BertPreTokenizer, BERT's template.
    static let valid: JSONValue = {
        func special(_ name: String, _ id: Int) -> JSONValue {
            .object([("id", .number(String(id))), ("content", .string(name)), ("single_word", .bool(false)),
                     ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true))])
        }
        func piece(_ kind: String, _ id: String, _ type: Int) -> JSONValue {
            .object([(kind, .object([("id", .string(id)), ("type_id", .number(String(type)))]))])
        }
        func entry(_ name: String, _ id: Int) -> (String, JSONValue) {
            (name, .object([("id", .string(name)), ("ids", .array([.number(String(id))])), ("tokens", .array([.string(name)]))]))
        }
        var document = WordPieceTests.document(
            vocab: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "the", ",", "##s"],
            normalizer: .object([("type", .string("BertNormalizer")), ("clean_text", .bool(true)),
                                 ("handle_chinese_chars", .bool(true)), ("strip_accents", .null), ("lowercase", .bool(true))]),
            preTokenizer: .object([("type", .string("BertPreTokenizer"))]),
            decoder: .object([("type", .string("WordPiece")), ("prefix", .string("##")), ("cleanup", .bool(true))]),
            postProcessor: .object([
                ("type", .string("TemplateProcessing")),
                ("single", .array([piece("SpecialToken", "[CLS]", 0), piece("Sequence", "A", 0), piece("SpecialToken", "[SEP]", 0)])),
                ("pair", .array([piece("SpecialToken", "[CLS]", 0), piece("Sequence", "A", 0), piece("SpecialToken", "[SEP]", 0),
                                 piece("Sequence", "B", 1), piece("SpecialToken", "[SEP]", 1)])),
                ("special_tokens", .object([entry("[CLS]", 2), entry("[SEP]", 3)])),
            ]))
        document = HostileInputTests.replacing(document, at: ["added_tokens"], with: .array(
            ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].enumerated().map { special($1, $0) }))
        return document
    }()

    static func loadError(_ document: JSONValue) -> TokenizerError? {
        do {
            _ = try Tokenizer(jsonData: Data(document.serialized.utf8), path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func theValidDocumentLoads() throws {
        let tokenizer = try Tokenizer(jsonData: Data(Self.valid.serialized.utf8), path: Self.path)
        let encoding = tokenizer.encode("UnAffable, THE", pair: "unaffables")
        #expect(encoding.tokens == ["[CLS]", "un", "##aff", "##able", ",", "the", "[SEP]", "un", "##aff", "##able", "##s", "[SEP]"])
        #expect(encoding.typeIDs == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        #expect(tokenizer.decode(encoding.ids, skipSpecialTokens: true) == "unaffable, the unaffables")
    }

    static let mutations: [(keys: [String], value: JSONValue?, mentions: String)] = [
        (["model", "vocab"], nil, "missing 'model.vocab'"),
        (["model", "vocab"], .array([.string("[UNK]")]), "'model.vocab' must be an object"),
        (["model", "vocab"], .string("vocab.txt"), "'model.vocab' must be an object"),
        (["model", "vocab"], .object([]), "'model.vocab' is empty"),
        (["model", "vocab"], .object([("[UNK]", .string("0"))]), "'model.vocab[[UNK]]' must be an integer id"),
        (["model", "vocab"], .object([("[UNK]", .number("0.5"))]), "'model.vocab[[UNK]]' must be an integer id"),
        (["model", "vocab"], .object([("[UNK]", .null)]), "'model.vocab[[UNK]]' must be an integer id"),
        (["model", "vocab"], .object([("[UNK]", .number("-3"))]), "out of range"),
        (["model", "vocab"], .object([("[UNK]", .number("0")), ("a", .number("0"))]), "model.vocab gives id 0 to two tokens"),
        (["model", "vocab"], .object([("[UNK]", .number("0")), ("[UNK]", .number("1"))]), "model.vocab lists '[UNK]' twice"),
        (["model", "vocab"], .object([("a", .number("0"))]), "model.unk_token '[UNK]' is not in model.vocab"),
        (["model", "unk_token"], .string("<unk>"), "model.unk_token '<unk>' is not in model.vocab"),
        (["model", "unk_token"], nil, "missing 'model.unk_token'"),
        (["model", "unk_token"], .number("1"), "'model.unk_token' must be a string"),
        (["model", "continuing_subword_prefix"], nil, "missing 'model.continuing_subword_prefix'"),
        (["model", "max_input_chars_per_word"], .number("-1"), "'model.max_input_chars_per_word' must be an integer >= 0"),
        (["model", "max_input_chars_per_word"], .string("100"), "'model.max_input_chars_per_word' must be an integer >= 0"),
        (["model", "max_input_chars_per_word"], nil, "missing 'model.max_input_chars_per_word'"),
        (["normalizer", "lowercase"], nil, "missing 'normalizer.lowercase'"),
        (["normalizer", "strip_accents"], .string("yes"), "'normalizer.strip_accents' must be true, false or null"),
        (["normalizer", "clean_text"], .number("1"), "'normalizer.clean_text' must be true or false"),
        (["pre_tokenizer"], .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false))]), "ByteLevel pre-tokenizer with a WordPiece model"),
        (["pre_tokenizer"], .object([("type", .string("Metaspace"))]), "pre-tokenizer type 'Metaspace' for a WordPiece model"),
        (["pre_tokenizer"], .object([("type", .string("Sequence")), ("pretokenizers", .array([.object([("type", .string("Digits"))])]))]), "'Digits'"),
        (["pre_tokenizer"], .object([("type", .string("Sequence"))]), "missing 'pre_tokenizer.pretokenizers'"),
        (["decoder", "prefix"], .number("2"), "'decoder.prefix' must be a string"),
        (["decoder", "cleanup"], nil, "missing 'decoder.cleanup'"),
        (["decoder"], .object([("type", .string("CTC"))]), "decoder type 'CTC'"),
        (["post_processor"], .object([("type", .string("BertProcessing")), ("sep", .array([.string("[SEP]"), .number("3")])),
                                      ("cls", .array([.number("2"), .string("[CLS]")]))]), "'post_processor.cls' must be [token, id]"),
        (["post_processor"], .object([("type", .string("BertProcessing")), ("sep", .array([.string("[SEP]"), .number("3")])),
                                      ("cls", .array([.string("[CLS]"), .number("99")]))]), "post_processor adds id 99"),
        (["post_processor"], .object([("type", .string("RobertaProcessing")), ("sep", .array([.string("[SEP]"), .number("3")])),
                                      ("cls", .array([.string("[CLS]"), .number("2")])), ("trim_offsets", .string("no"))]), "post_processor.trim_offsets"),
        (["post_processor", "special_tokens", "[CLS]", "ids"], .array([.number("40")]), "post_processor adds id 40"),
        (["post_processor", "single"], .array([.object([("Sequence", .object([("id", .string("A")), ("type_id", .number("-1"))]))])]), "single[0].Sequence.type_id"),
        (["added_tokens"], .array([.object([("id", .number("5")), ("content", .string("[CLS]")), ("special", .bool(true))])]), "model.vocab gives it 2"),
        (["model", "type"], .string("Unigram"), "model type 'Unigram'"),
    ]

    @Test(arguments: mutations.indices)
    func malformedPartsAreNamed(_ index: Int) throws {
        let mutation = Self.mutations[index]
        let document = HostileInputTests.replacing(Self.valid, at: mutation.keys, with: mutation.value)
        let error = try #require(Self.loadError(document), "mutation \(mutation.keys) should fail")
        #expect(error.path == Self.path)
        #expect(error.description.contains(mutation.mentions), "\(error.description)")
        #expect(error.description.hasPrefix(Self.path + ": "))
        #expect(!error.description.contains("\n"))
    }

    @Test func everyTruncationIsAnError() throws {
        let bytes = Array(Self.valid.serialized.utf8)
        for cut in 0..<bytes.count {
            let error = try #require(throws: TokenizerError.self) { try Tokenizer(jsonData: Data(bytes[0..<cut]), path: Self.path) }
            #expect(error.path == Self.path)
            #expect(error.description.contains("invalid JSON"), "\(error.description)")
        }
    }

    /// Random byte flips either load (and then encode and decode) or throw.
    @Test func corruptedBytesNeverTrap() throws {
        let bytes = Array(Self.valid.serialized.utf8)
        var random = FlowRandom(seed: 7)
        var loaded = 0
        for _ in 0..<300 {
            var corrupted = bytes
            for _ in 0..<(1 + random.nextInt(below: 4)) {
                corrupted[random.nextInt(below: corrupted.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            guard let tokenizer = try? Tokenizer(jsonData: Data(corrupted), path: Self.path) else { continue }
            loaded += 1
            let encoding = tokenizer.encode("UnAffable, the 北京 e\u{301} \u{0} [MASK]", pair: "the")
            _ = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
            for id in encoding.ids { _ = tokenizer.pieceText(id) }
        }
        #expect(loaded < 300)
    }
}
