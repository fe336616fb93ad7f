import Foundation
import FlowCore
import FlowTokenizer

/// libFuzzer entry for WordPiece loading. Input that starts with "{" is a tokenizer.json (the seeds are
/// WordPiece ones); anything else is a vocab.txt (one token a line, ids in line order, the first line the
/// text to encode) spliced into a BERT-style tokenizer.json, so arbitrary vocabularies reach the model.
/// A refusal is fine; a crash, an ASan report or an encoding that breaks its invariants is a bug.
/// Built only with FLOWLM_FUZZ=1 and `--sanitize=fuzzer` (see Tools/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWordPiece(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let tokenizer: Tokenizer
    var texts = ["UnAffable, the QUICK 北京 café\u{301} don't! \u{0}\u{FEFF} \u{130} [MASK] [SEP]x" + String(repeating: "a", count: 120)]
    if bytes.first == UInt8(ascii: "{") {
        guard let loaded = try? Tokenizer(jsonData: bytes, path: "fuzz.json") else { return 0 }
        tokenizer = loaded
        texts.append(String(decoding: bytes.prefix(256), as: UTF8.self))
    } else {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let text = lines.first else { return 0 }
        texts.append(text)
        let maxChars = Int(bytes.last ?? 100)
        guard let loaded = try? Tokenizer(jsonData: bertDocument(vocab: Array(lines.dropFirst()), maxChars: maxChars),
                                          path: "fuzz-vocab.json") else { return 0 }
        tokenizer = loaded
    }
    for text in texts {
        let encoding = tokenizer.encode(text, addSpecialTokens: true)
        check(encoding, text: text, tokenizer)
        check(tokenizer.encode(text, addSpecialTokens: false), text: text, tokenizer)
        let pair = tokenizer.encode(text, pair: "b", addSpecialTokens: true)
        guard pair.count == pair.typeIDs.count else { fatalError("a pair has \(pair.count) ids but \(pair.typeIDs.count) type ids") }
        _ = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
        _ = tokenizer.decode(encoding.ids, skipSpecialTokens: true)
        for id in encoding.ids.prefix(16) { _ = tokenizer.pieceText(id) }
    }
    _ = tokenizer.specialTokens
    _ = tokenizer.decode([-1, 0, 1, 2, 255, TokenID(tokenizer.vocabularySize)], skipSpecialTokens: false)
    return 0
}

/// Every id names a token, every offset lies within the text, one type id per token.
private func check(_ encoding: Encoding, text: String, _ tokenizer: Tokenizer) {
    let length = text.unicodeScalars.count
    guard encoding.tokens.count == encoding.count, encoding.offsets.count == encoding.count,
          encoding.typeIDs.count == encoding.count else { fatalError("encoding arrays disagree in length") }
    for (id, range) in zip(encoding.ids, encoding.offsets) {
        guard tokenizer.tokenString(id) != nil else { fatalError("encoded id \(id) has no token") }
        guard range.upperBound <= length else { fatalError("offsets \(range) outside a text of \(length) scalars") }
    }
}

/// BertWordPieceTokenizer's layout around the given vocabulary (specials first).
private func bertDocument(vocab: [String], maxChars: Int) -> Data {
    let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    let tokens = specials + vocab
    func number(_ n: Int) -> JSONValue { .number(String(n)) }
    func piece(_ kind: String, _ id: String, _ type: Int) -> JSONValue {
        .object([(kind, .object([("id", .string(id)), ("type_id", number(type))]))])
    }
    let document: JSONValue = .object([
        ("version", .string("1.0")), ("truncation", .null), ("padding", .null),
        ("added_tokens", .array(specials.enumerated().map { id, name in
            .object([("id", number(id)), ("content", .string(name)), ("single_word", .bool(false)), ("lstrip", .bool(false)),
                     ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true))])
        })),
        ("normalizer", .object([("type", .string("BertNormalizer")), ("clean_text", .bool(true)),
                                ("handle_chinese_chars", .bool(true)), ("strip_accents", .null), ("lowercase", .bool(true))])),
        ("pre_tokenizer", .object([("type", .string("BertPreTokenizer"))])),
        ("post_processor", .object([
            ("type", .string("TemplateProcessing")),
            ("single", .array([piece("SpecialToken", "[CLS]", 0), piece("Sequence", "A", 0), piece("SpecialToken", "[SEP]", 0)])),
            ("pair", .array([piece("SpecialToken", "[CLS]", 0), piece("Sequence", "A", 0), piece("SpecialToken", "[SEP]", 0),
                             piece("Sequence", "B", 1), piece("SpecialToken", "[SEP]", 1)])),
            ("special_tokens", .object(["[CLS]", "[SEP]"].map { name in
                (name, .object([("id", .string(name)), ("ids", .array([number(name == "[CLS]" ? 2 : 3)])),
                                ("tokens", .array([.string(name)]))]))
            })),
        ])),
        ("decoder", .object([("type", .string("WordPiece")), ("prefix", .string("##")), ("cleanup", .bool(true))])),
        ("model", .object([
            ("type", .string("WordPiece")), ("unk_token", .string("[UNK]")), ("continuing_subword_prefix", .string("##")),
            ("max_input_chars_per_word", number(maxChars)),
            ("vocab", .object(tokens.enumerated().map { ($1, number($0)) })),
        ])),
    ])
    return Data(document.serialized.utf8)
}
