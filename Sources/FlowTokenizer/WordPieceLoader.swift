import FlowCore

extension TokenizerLoader {
    /// HF's WordPiece model: `vocab`, `unk_token`, `continuing_subword_prefix`, `max_input_chars_per_word`
    /// (all required, as HF requires them).
    func loadWordPieceModel(_ json: JSONValue) throws(TokenizerError) -> WordPieceModel {
        guard let members = try fields.object(json["vocab"], "model.vocab").objectValue else {
            throw TokenizerError(path, "'model.vocab' must be an object")
        }
        var entries: [(token: String, id: TokenID)] = []
        entries.reserveCapacity(members.count)
        for (token, value) in members {
            entries.append((token, try fields.id(value, "model.vocab[\(token)]")))
        }
        return try WordPieceModel(
            entries: entries,
            unknownToken: try fields.string(json["unk_token"], "model.unk_token"),
            prefix: try fields.string(json["continuing_subword_prefix"], "model.continuing_subword_prefix"),
            maxInputCharsPerWord: try fields.count(json["max_input_chars_per_word"], "model.max_input_chars_per_word"),
            path: path)
    }

    /// A WordPiece model's pre-tokenizer: BertPreTokenizer, Whitespace, WhitespaceSplit or Split, alone or
    /// in a Sequence; null leaves each normalized text one word.
    func loadWordPreTokenizer(_ json: JSONValue?) throws(TokenizerError) -> WordPreTokenizer {
        guard let json, !json.isNull else { return WordPreTokenizer(steps: []) }
        var steps: [JSONValue] = [json]
        if try fields.type(json, "pre_tokenizer") == "Sequence" {
            steps = try fields.array(json["pretokenizers"], "pre_tokenizer.pretokenizers")
        }
        var result = WordPreTokenizer(steps: [])
        for (k, step) in steps.enumerated() {
            let key = steps.count == 1 && json["pretokenizers"] == nil ? "pre_tokenizer" : "pre_tokenizer.pretokenizers[\(k)]"
            switch try fields.type(step, key) {
            case "BertPreTokenizer": result.steps.append(.bert)
            case "Whitespace": result.steps.append(.whitespace)
            case "WhitespaceSplit": result.steps.append(.whitespaceSplit)
            case "Split": result.steps.append(.split(try loadSplit(step, key)))
            case "ByteLevel":
                throw TokenizerError(path, "unsupported '\(key)': a ByteLevel pre-tokenizer with a WordPiece model (FlowLM pairs ByteLevel with BPE)")
            case let type:
                throw TokenizerError(path, "unsupported pre-tokenizer type '\(type)' for a WordPiece model (FlowLM reads BertPreTokenizer, Whitespace, WhitespaceSplit and Split)")
            }
        }
        return result
    }

    /// HF's BertNormalizer; `strip_accents` null (or absent) follows `lowercase`, the others are required.
    func loadBertNormalizer(_ json: JSONValue, _ key: String) throws(TokenizerError) -> BertNormalizer {
        let lowercase = try fields.bool(json["lowercase"], "\(key).lowercase")
        return BertNormalizer(
            cleanText: try fields.bool(json["clean_text"], "\(key).clean_text"),
            handleChineseChars: try fields.bool(json["handle_chinese_chars"], "\(key).handle_chinese_chars"),
            stripAccents: try fields.optionalBool(json["strip_accents"], "\(key).strip_accents") ?? lowercase,
            lowercase: lowercase)
    }
}
