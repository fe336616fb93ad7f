import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTokenizer

/// Broken, truncated, corrupted and unsupported tokenizer.json files: each gives a TokenizerError that
/// names the file and the offending part; none traps.
@Suite struct HostileInputTests {
    static let path = "/models/x/tokenizer.json"

    /// A small valid document (trained here, so the test needs no fixture).
    static let valid: JSONValue = {
        let tokenizer = try? BPETrainer(vocabularySize: 270, minFrequency: 1).train(texts: ["ab ab abc cd"])
        return tokenizer?.document ?? .null
    }()

    static func replacing(_ value: JSONValue, at keys: [String], with new: JSONValue?) -> JSONValue {
        guard let key = keys.first, case var .object(members) = value else { return new ?? .null }
        let rest = Array(keys.dropFirst())
        if let i = members.firstIndex(where: { $0.key == key }) {
            if rest.isEmpty, new == nil { members.remove(at: i); return .object(members) }
            members[i].value = replacing(members[i].value, at: rest, with: new)
        } else if let new {
            members.append((key, rest.isEmpty ? new : replacing(.object([]), at: rest, with: new)))
        }
        return .object(members)
    }

    static func loadError(_ document: JSONValue) -> TokenizerError? {
        do {
            _ = try Tokenizer(jsonData: Data(document.serialized.utf8), path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func theValidDocumentLoads() throws {
        #expect(Self.loadError(Self.valid) == nil)
        let tokenizer = try Tokenizer(jsonData: Data(Self.valid.serialized.utf8), path: Self.path)
        #expect(tokenizer.decode(tokenizer.encode("abc cd").ids, skipSpecialTokens: true) == "abc cd")
    }

    static let mutations: [(keys: [String], value: JSONValue?, mentions: String)] = [
        (["model"], nil, "model"),
        (["model"], .array([]), "model"),
        (["model", "type"], .string("Unigram"), "model type 'Unigram'"),
        // A WordPiece model needs its own fields (this document has BPE's).
        (["model", "type"], .string("WordPiece"), "model.continuing_subword_prefix"),
        (["model", "type"], .number("3"), "model.type"),
        (["model", "vocab"], nil, "model.vocab"),
        (["model", "vocab"], .array([]), "model.vocab"),
        (["model", "vocab"], .object([("a", .string("0"))]), "model.vocab[a]"),
        (["model", "vocab"], .object([("a", .number("-1"))]), "out of range"),
        (["model", "vocab"], .object([("a", .number("1.5"))]), "model.vocab[a]"),
        (["model", "vocab"], .object([("a", .number("99999999999"))]), "out of range"),
        (["model", "vocab"], .object([("a", .number("0")), ("a", .number("1"))]), "twice"),
        (["model", "vocab"], .object([("a", .number("0")), ("b", .number("0"))]), "two tokens"),
        (["added_tokens"], .array([.object([("id", .number("16000000")), ("content", .string("<x>"))])]), "too sparse"),
        (["model", "merges"], nil, "model.merges"),
        (["model", "merges"], .array([.string("zz qq")]), "not in the vocabulary"),
        (["model", "merges"], .array([.array([.string("a"), .string("unknown")])]), "unknown"),
        (["model", "merges"], .array([.string("a b c")]), "merge 0"),
        (["model", "merges"], .array([.number("1")]), "merge 0"),
        (["model", "merges"], .array([.string("b a")]), "'ba'"),
        (["model", "unk_token"], .string("<nope>"), "unk_token"),
        (["model", "byte_fallback"], .bool(true), "byte_fallback"),
        (["model", "dropout"], .number("0.1"), "dropout"),
        (["model", "continuing_subword_prefix"], .string("##"), "continuing_subword_prefix"),
        (["model", "end_of_word_suffix"], .string("</w>"), "end_of_word_suffix"),
        (["model", "fuse_unk"], .string("yes"), "model.fuse_unk"),
        (["normalizer"], .object([("type", .string("Precompiled"))]), "normalizer type 'Precompiled'"),
        (["normalizer"], .object([("type", .string("BertNormalizer")), ("clean_text", .bool(true))]), "normalizer.lowercase"),
        (["normalizer"], .object([("type", .string("Sequence")), ("normalizers", .array([.object([("type", .string("NFKD"))])]))]), "NFKD"),
        (["pre_tokenizer"], .null, "pre_tokenizer"),
        (["pre_tokenizer"], .object([("type", .string("Whitespace"))]), "pre-tokenizer type 'Whitespace'"),
        (["pre_tokenizer"], .object([("type", .string("Sequence")), ("pretokenizers", .array([]))]), "ByteLevel"),
        (["pre_tokenizer"], .object([("type", .string("Split")), ("pattern", .object([("Regex", .string("("))])),
                                     ("behavior", .string("Isolated")), ("invert", .bool(false))]), "pattern"),
        (["pre_tokenizer"], .object([("type", .string("Split")), ("pattern", .object([("Regex", .string("a"))])),
                                     ("behavior", .string("Sideways")), ("invert", .bool(false))]), "Sideways"),
        (["post_processor"], .object([("type", .string("RobertaProcessing"))]), "post_processor.sep"),
        (["post_processor"], .object([("type", .string("Sequence"))]), "post-processor type 'Sequence'"),
        (["post_processor"], .object([("type", .string("RobertaProcessing")), ("sep", .array([.string("</s>"), .number("2")])),
                                      ("cls", .array([.string("<s>"), .number("5000")]))]), "adds id 5000"),
        (["post_processor"], .object([("type", .string("BertProcessing")), ("sep", .array([.string("[SEP]")])),
                                      ("cls", .array([.string("[CLS]"), .number("2")]))]), "post_processor.sep"),
        (["post_processor", "single"], .array([.object([("SpecialToken", .object([("id", .string("[NOPE]"))]))])]), "[NOPE]"),
        (["post_processor", "special_tokens", "[CLS]", "ids"], .array([.string("2")]), "ids[0]"),
        (["decoder"], .object([("type", .string("Metaspace"))]), "decoder type 'Metaspace'"),
        (["decoder"], .object([("type", .string("WordPiece")), ("cleanup", .bool(true))]), "decoder.prefix"),
        (["truncation"], .object([("max_length", .number("8"))]), "truncation"),
        (["added_tokens"], .object([]), "added_tokens"),
        (["added_tokens"], .array([.object([("id", .number("7")), ("content", .string("[PAD]")), ("special", .bool(true))])]), "[PAD]"),
        (["added_tokens"], .array([.object([("id", .number("900")), ("special", .bool(true))])]), "content"),
        (["added_tokens"], .array([.object([("id", .number("40")), ("content", .string("<new>"))])]), "model.vocab gives to"),
        (["added_tokens"], .array([.object([("id", .number("300")), ("content", .string("<a>"))]),
                                   .object([("id", .number("300")), ("content", .string("<b>"))])]), "share id 300"),
        (["added_tokens"], .array([.object([("id", .number("900")), ("content", .string("")), ("special", .bool(true))])]), "empty"),
        (["added_tokens"], .array([.object([("id", .number("900")), ("content", .string("<x>")), ("lstrip", .number("1"))])]), "lstrip"),
    ]

    @Test(arguments: mutations.indices)
    func unsupportedOrMalformedPartsAreNamed(_ index: Int) throws {
        let mutation = Self.mutations[index]
        let document = Self.replacing(Self.valid, at: mutation.keys, with: mutation.value)
        let error = try #require(Self.loadError(document), "mutation \(mutation.keys) should fail")
        #expect(error.path == Self.path)
        #expect(error.description.contains(mutation.mentions), "\(error.description)")
        #expect(!error.description.contains("\n"))
    }

    @Test func everyTruncationIsAnError() throws {
        let bytes = Array(Self.valid.serialized.utf8)
        let cuts = stride(from: 0, to: bytes.count, by: max(1, bytes.count / 300))
        for cut in cuts {
            #expect(throws: TokenizerError.self) { try Tokenizer(jsonData: Data(bytes[0..<cut]), path: Self.path) }
        }
    }

    @Test func invalidJSONAndMissingFilesAreErrors() throws {
        for text in ["", "null", "[]", "{", "{\"model\": }", "\u{FEFF}{}", "{\"model\": {\"type\": \"BPE\"}} trailing"] {
            #expect(throws: TokenizerError.self) { try Tokenizer(jsonData: Data(text.utf8), path: Self.path) }
        }
        let missing = FileManager.default.temporaryDirectory
            .appendingPathComponent("flowlm-missing-\(UUID().uuidString)/tokenizer.json")
        let error = try #require(throws: TokenizerError.self) { try Tokenizer.load(from: missing) }
        #expect(error.path == missing.path)
    }

    /// Random byte flips of a valid file either load (and then encode and decode) or throw.
    @Test func corruptedBytesNeverTrap() throws {
        let bytes = Array(Self.valid.serialized.utf8)
        var random = FlowRandom(seed: 42)
        var loaded = 0
        for _ in 0..<300 {
            var corrupted = bytes
            for _ in 0..<(1 + random.nextInt(below: 4)) {
                corrupted[random.nextInt(below: corrupted.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            guard let tokenizer = try? Tokenizer(jsonData: Data(corrupted), path: Self.path) else { continue }
            loaded += 1
            let encoding = tokenizer.encode("ab cd\u{301} 😀 [MASK]", addSpecialTokens: true)
            _ = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
            for id in encoding.ids { _ = tokenizer.pieceText(id) }
        }
        #expect(loaded < 300)
    }

    @Test func unknownIDsDecodeToNothing() throws {
        let tokenizer = try Tokenizer(jsonData: Data(Self.valid.serialized.utf8), path: Self.path)
        #expect(tokenizer.decode([-1, 99_999, TokenID.max], skipSpecialTokens: false) == "")
        #expect(tokenizer.tokenString(-5) == nil)
        #expect(tokenizer.pieceBytes(1 << 30) == [])
        #expect(tokenizer.pieceText(-1) == "")
    }
}
