import Foundation
import FlowCore

extension TokenizerLoader {
    /// A BPE model's pre-tokenizer: Splits, then ByteLevel (FlowLM's BPE is byte-level only).
    func loadPreTokenizer(_ json: JSONValue?) throws(TokenizerError) -> ByteLevelPreTokenizer {
        guard let json, !json.isNull else {
            throw TokenizerError(path, "pre_tokenizer is null; byte-level BPE needs a ByteLevel pre-tokenizer")
        }
        var steps: [JSONValue] = [json]
        if try fields.type(json, "pre_tokenizer") == "Sequence" {
            steps = try fields.array(json["pretokenizers"], "pre_tokenizer.pretokenizers")
        }
        var splits: [SplitPreTokenizer] = []
        var byteLevel: ByteLevelPreTokenizer?
        for (k, step) in steps.enumerated() {
            let key = steps.count == 1 ? "pre_tokenizer" : "pre_tokenizer.pretokenizers[\(k)]"
            let type = try fields.type(step, key)
            switch type {
            case "Split":
                guard byteLevel == nil else { throw TokenizerError(path, "unsupported '\(key)': Split after ByteLevel") }
                splits.append(try loadSplit(step, key))
            case "ByteLevel":
                guard byteLevel == nil else { throw TokenizerError(path, "unsupported '\(key)': a second ByteLevel") }
                byteLevel = ByteLevelPreTokenizer(
                    splits: [],
                    addPrefixSpace: try fields.bool(step["add_prefix_space"], "\(key).add_prefix_space", default: true),
                    useRegex: try fields.bool(step["use_regex"], "\(key).use_regex", default: true))
            default:
                throw TokenizerError(path, "unsupported pre-tokenizer type '\(type)' for a BPE model (FlowLM's BPE is byte-level: Split and ByteLevel steps)")
            }
        }
        guard var result = byteLevel else {
            throw TokenizerError(path, "pre_tokenizer has no ByteLevel step; FlowLM reads BPE only as byte-level BPE")
        }
        result.splits = splits
        return result
    }

    func loadSplit(_ json: JSONValue, _ key: String) throws(TokenizerError) -> SplitPreTokenizer {
        let pattern = try fields.object(json["pattern"], "\(key).pattern")
        let source: String
        if let literal = pattern["String"]?.stringValue {
            source = NSRegularExpression.escapedPattern(for: literal)
        } else if let regex = pattern["Regex"]?.stringValue {
            source = regex
        } else {
            throw TokenizerError(path, "'\(key).pattern' must be {\"String\": ...} or {\"Regex\": ...}")
        }
        let behaviorName = try fields.string(json["behavior"], "\(key).behavior")
        guard let behavior = SplitPreTokenizer.Behavior(rawValue: behaviorName) else {
            throw TokenizerError(path, "unsupported '\(key).behavior' '\(behaviorName)'")
        }
        let regex: NSRegularExpression
        do {
            regex = try NSRegularExpression(pattern: source)
        } catch {
            throw TokenizerError(path, "'\(key).pattern' is not a regular expression FlowLM can compile: \(source)")
        }
        return SplitPreTokenizer(regex: regex, behavior: behavior,
                                 invert: try fields.bool(json["invert"], "\(key).invert", default: false))
    }

    func loadPostProcessor(_ json: JSONValue?) throws(TokenizerError) -> PostProcessor? {
        guard let json, !json.isNull else { return nil }
        let type = try fields.type(json, "post_processor")
        switch type {
        case "ByteLevel":
            return .byteLevel(
                trimOffsets: try fields.bool(json["trim_offsets"], "post_processor.trim_offsets", default: true),
                addPrefixSpace: try fields.bool(json["add_prefix_space"], "post_processor.add_prefix_space", default: true))
        case "BertProcessing":
            return .bert(sep: try loadSpecialToken(json["sep"], "post_processor.sep"),
                         cls: try loadSpecialToken(json["cls"], "post_processor.cls"))
        case "RobertaProcessing":
            return .roberta(
                sep: try loadSpecialToken(json["sep"], "post_processor.sep"),
                cls: try loadSpecialToken(json["cls"], "post_processor.cls"),
                trimOffsets: try fields.bool(json["trim_offsets"], "post_processor.trim_offsets", default: true),
                addPrefixSpace: try fields.bool(json["add_prefix_space"], "post_processor.add_prefix_space", default: true))
        case "TemplateProcessing":
            var specials: [String: PostProcessor.SpecialEntry] = [:]
            if let members = json["special_tokens"]?.objectValue {
                for (name, entry) in members {
                    let key = "post_processor.special_tokens[\(name)]"
                    var ids: [TokenID] = []
                    for (k, id) in try fields.array(entry["ids"], "\(key).ids").enumerated() {
                        ids.append(try fields.id(id, "\(key).ids[\(k)]"))
                    }
                    var tokens: [String] = []
                    for (k, token) in try fields.array(entry["tokens"], "\(key).tokens").enumerated() {
                        tokens.append(try fields.string(token, "\(key).tokens[\(k)]"))
                    }
                    guard ids.count == tokens.count else { throw TokenizerError(path, "'\(key)' has \(ids.count) ids but \(tokens.count) tokens") }
                    specials[name] = PostProcessor.SpecialEntry(ids: ids, tokens: tokens)
                }
            } else if let value = json["special_tokens"], !value.isNull {
                throw TokenizerError(path, "'post_processor.special_tokens' must be an object")
            }
            let single = try loadTemplate(json["single"], "post_processor.single", specials: specials)
            var pair = PostProcessor.defaultPair
            if let value = json["pair"], !value.isNull {
                pair = try loadTemplate(value, "post_processor.pair", specials: specials)
            }
            return .template(single: single, pair: pair, specials: specials)
        default:
            throw TokenizerError.unsupported(path, "post-processor", type)
        }
    }

    private func loadTemplate(_ json: JSONValue?, _ key: String,
                              specials: [String: PostProcessor.SpecialEntry]) throws(TokenizerError) -> [PostProcessor.Piece] {
        var pieces: [PostProcessor.Piece] = []
        for (k, item) in try fields.array(json, key).enumerated() {
            if let special = item["SpecialToken"] {
                let name = try fields.string(special["id"], "\(key)[\(k)].SpecialToken.id")
                guard specials[name] != nil else { throw TokenizerError(path, "'\(key)[\(k)]' names special token '\(name)' missing from special_tokens") }
                pieces.append(.special(name, typeID: try fields.typeID(special["type_id"], "\(key)[\(k)].SpecialToken.type_id")))
            } else if let sequence = item["Sequence"] {
                let typeID = try fields.typeID(sequence["type_id"], "\(key)[\(k)].Sequence.type_id")
                switch try fields.string(sequence["id"], "\(key)[\(k)].Sequence.id") {
                case "A": pieces.append(.sequence(first: true, typeID: typeID))
                case "B": pieces.append(.sequence(first: false, typeID: typeID))
                default: throw TokenizerError(path, "'\(key)[\(k)].Sequence.id' must be \"A\" or \"B\"")
                }
            } else {
                throw TokenizerError(path, "'\(key)[\(k)]' must be {\"SpecialToken\": ...} or {\"Sequence\": ...}")
            }
        }
        return pieces
    }

    /// BertProcessing's and RobertaProcessing's `["[SEP]", 102]`.
    private func loadSpecialToken(_ json: JSONValue?, _ key: String) throws(TokenizerError) -> PostProcessor.SpecialToken {
        let pair = try fields.array(json, key)
        guard pair.count == 2, let token = pair[0].stringValue else {
            throw TokenizerError(path, "'\(key)' must be [token, id]")
        }
        return PostProcessor.SpecialToken(token: token, id: try fields.id(pair[1], "\(key)[1]"))
    }

    func loadDecoder(_ json: JSONValue?) throws(TokenizerError) -> Decoder? {
        guard let json, !json.isNull else { return nil }
        let type = try fields.type(json, "decoder")
        switch type {
        case "ByteLevel": return .byteLevel
        case "WordPiece":
            return .wordPiece(prefix: try fields.string(json["prefix"], "decoder.prefix"),
                              cleanup: try fields.bool(json["cleanup"], "decoder.cleanup"))
        default: throw TokenizerError.unsupported(path, "decoder", type)
        }
    }
}
