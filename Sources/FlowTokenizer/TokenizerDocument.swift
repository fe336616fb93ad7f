import FlowCore

/// Builds tokenizer.json documents in the layout HF tokenizers writes.
enum TokenizerDocument {
    static func byteLevelBPE(vocabulary: [String], merges: [(String, String)], specials: [String],
                             addPrefixSpace: Bool) -> JSONValue {
        func number(_ n: Int) -> JSONValue { .number(String(n)) }
        let byteLevel: JSONValue = .object([
            ("type", .string("ByteLevel")), ("add_prefix_space", .bool(addPrefixSpace)),
            ("trim_offsets", .bool(true)), ("use_regex", .bool(true)),
        ])
        let ids = Dictionary(vocabulary.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let added: [JSONValue] = specials.compactMap { token in
            guard let id = ids[token] else { return nil }
            return .object([
                ("id", number(id)), ("content", .string(token)), ("single_word", .bool(false)),
                ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)),
                ("special", .bool(true)),
            ])
        }
        var postProcessor: JSONValue = .null
        if let cls = ids["[CLS]"], let sep = ids["[SEP]"] {
            func special(_ name: String, _ type: Int) -> JSONValue {
                .object([("SpecialToken", .object([("id", .string(name)), ("type_id", number(type))]))])
            }
            func sequence(_ name: String, _ type: Int) -> JSONValue {
                .object([("Sequence", .object([("id", .string(name)), ("type_id", number(type))]))])
            }
            func entry(_ name: String, _ id: Int) -> (String, JSONValue) {
                (name, .object([("id", .string(name)), ("ids", .array([number(id)])), ("tokens", .array([.string(name)]))]))
            }
            postProcessor = .object([
                ("type", .string("TemplateProcessing")),
                ("single", .array([special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0)])),
                ("pair", .array([special("[CLS]", 0), sequence("A", 0), special("[SEP]", 0),
                                 sequence("B", 1), special("[SEP]", 1)])),
                ("special_tokens", .object([entry("[CLS]", cls), entry("[SEP]", sep)])),
            ])
        }
        let model: JSONValue = .object([
            ("type", .string("BPE")), ("dropout", .null),
            ("unk_token", ids["[UNK]"] != nil ? .string("[UNK]") : .null),
            ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null),
            ("fuse_unk", .bool(false)), ("byte_fallback", .bool(false)), ("ignore_merges", .bool(false)),
            ("vocab", .object(vocabulary.enumerated().map { ($1, number($0)) })),
            ("merges", .array(merges.map { .array([.string($0.0), .string($0.1)]) })),
        ])
        return .object([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null),
            ("added_tokens", .array(added)), ("normalizer", .null), ("pre_tokenizer", byteLevel),
            ("post_processor", postProcessor), ("decoder", byteLevel), ("model", model),
        ])
    }
}
