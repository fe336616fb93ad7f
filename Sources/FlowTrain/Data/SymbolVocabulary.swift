import Foundation
import FlowCore

/// The tiny vocabulary of a synthetic task: [PAD] [UNK] [CLS] [SEP] [MASK] at ids 0…4, then one id per
/// symbol. Symbols are printable ASCII other than space, which byte-level BPE maps to themselves, so the
/// HF tokenizer written by `tokenizerJSON` encodes exactly as `encode` does (Tools/check_symbol_tokenizer.py).
public struct SymbolVocabulary: Sendable, Equatable {
    public static let specialNames = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    public static let specials = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)

    public let symbols: [UInt8]
    private let idOfByte: [TokenID]

    public init(symbols: String) throws(SettingError) {
        let bytes = Array(symbols.utf8)
        guard !bytes.isEmpty else { throw SettingError(message: "a symbol vocabulary needs at least one symbol") }
        var idOfByte = [TokenID](repeating: Self.specials.unk ?? 1, count: 256)
        var seen = Set<UInt8>()
        for (k, b) in bytes.enumerated() {
            guard b > 0x20, b < 0x7F else { throw SettingError(message: "symbol \(String(UnicodeScalar(b))) is not printable ASCII") }
            guard seen.insert(b).inserted else { throw SettingError(message: "symbol \(String(UnicodeScalar(b))) appears twice") }
            idOfByte[Int(b)] = TokenID(Self.specialNames.count + k)
        }
        self.symbols = bytes
        self.idOfByte = idOfByte
    }

    public var size: Int { Self.specialNames.count + symbols.count }
    public var specials: SpecialTokens { Self.specials }

    /// The token text of an id ("[MASK]", "a", …); nil outside the vocabulary.
    public func token(_ id: TokenID) -> String? {
        let k = Int(id)
        if k >= 0 && k < Self.specialNames.count { return Self.specialNames[k] }
        let s = k - Self.specialNames.count
        return s >= 0 && s < symbols.count ? String(UnicodeScalar(symbols[s])) : nil
    }

    /// Ids without [CLS]/[SEP] (a `TextEncoder`). Special-token names in the text are matched first, as
    /// HF's added tokens are; any other byte that is not a symbol becomes [UNK] (one per byte).
    public func encode(_ text: String) -> [TokenID] {
        let bytes = Array(text.utf8)
        let names = Self.specialNames.map { Array($0.utf8) }
        var ids: [TokenID] = []
        var i = 0
        outer: while i < bytes.count {
            if bytes[i] == UInt8(ascii: "[") {
                for (id, name) in names.enumerated() where bytes[i...].starts(with: name) {
                    ids.append(TokenID(id))
                    i += name.count
                    continue outer
                }
            }
            ids.append(idOfByte[Int(bytes[i])])
            i += 1
        }
        return ids
    }

    /// Symbols only: special tokens are dropped.
    public func decode(_ ids: [TokenID]) -> String {
        var out = ""
        for id in ids {
            let s = Int(id) - Self.specialNames.count
            if s >= 0 && s < symbols.count { out.unicodeScalars.append(UnicodeScalar(symbols[s])) }
        }
        return out
    }

    /// An HF `tokenizer.json`: BPE over this vocabulary with no merges, ByteLevel pre-tokenizer
    /// (add_prefix_space false), `[CLS] $A [SEP]` template, ByteLevel decoder.
    public func tokenizerJSON() -> JSONValue {
        func num(_ n: Int) -> JSONValue { .number(String(n)) }
        func special(_ name: String) -> JSONValue { .object([("SpecialToken", .object([("id", .string(name)), ("type_id", num(0))]))]) }
        func sequence(_ name: String) -> JSONValue { .object([("Sequence", .object([("id", .string(name)), ("type_id", num(0))]))]) }
        let added: [JSONValue] = Self.specialNames.enumerated().map { id, name in
            .object([("id", num(id)), ("content", .string(name)), ("single_word", .bool(false)), ("lstrip", .bool(false)),
                     ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true))])
        }
        let vocab: [(key: String, value: JSONValue)] = (0..<size).map { (token(TokenID($0)) ?? "", num($0)) }
        let byteLevel: (Bool) -> JSONValue = { prefix in
            .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(prefix)), ("trim_offsets", .bool(true)),
                     ("use_regex", .bool(true))])
        }
        let specialEntry: (Int) -> (key: String, value: JSONValue) = { id in
            let name = Self.specialNames[id]
            return (name, .object([("id", .string(name)), ("ids", .array([num(id)])), ("tokens", .array([.string(name)]))]))
        }
        let cls = Self.specialNames[Int(Self.specials.cls)], sep = Self.specialNames[Int(Self.specials.sep)]
        return .object([
            ("version", .string("1.0")),
            ("truncation", .null),
            ("padding", .null),
            ("added_tokens", .array(added)),
            ("normalizer", .null),
            ("pre_tokenizer", byteLevel(false)),
            ("post_processor", .object([
                ("type", .string("TemplateProcessing")),
                ("single", .array([special(cls), sequence("A"), special(sep)])),
                ("pair", .array([special(cls), sequence("A"), special(sep), sequence("B"), special(sep)])),
                ("special_tokens", .object([specialEntry(Int(Self.specials.cls)), specialEntry(Int(Self.specials.sep))])),
            ])),
            ("decoder", byteLevel(true)),
            ("model", .object([
                ("type", .string("BPE")), ("dropout", .null), ("unk_token", .string(Self.specialNames[1])),
                ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null), ("fuse_unk", .bool(false)),
                ("byte_fallback", .bool(false)), ("ignore_merges", .bool(false)),
                ("vocab", .object(vocab)), ("merges", .array([])),
            ])),
        ])
    }

    public func writeTokenizer(to url: URL) throws {
        try AtomicFile.write(tokenizerJSON().serialized + "\n", to: url)
    }
}
