import Foundation
import FlowCore

/// Everything a Tokenizer is made of, read strictly from a tokenizer.json document.
struct TokenizerParts {
    var model: TokenizerModel
    var addedTokens: [AddedToken]
    var normalizer: Normalizer?
    var postProcessor: PostProcessor?
    var decoder: Decoder?
}

struct TokenizerLoader {
    let path: String
    var fields: JSONFields { JSONFields(path: path) }

    func load(_ document: JSONValue) throws(TokenizerError) -> TokenizerParts {
        guard document.objectValue != nil else { throw TokenizerError(path, "the document must be a JSON object") }
        for key in ["truncation", "padding"] {
            if let value = document[key], !value.isNull {
                throw TokenizerError(path, "'\(key)' is set; FlowLM does not truncate or pad in the tokenizer")
            }
        }
        let modelJSON = try fields.object(document["model"], "model")
        let model: TokenizerModel
        switch try fields.optionalString(modelJSON["type"], "model.type") ?? "(none)" {
        case "BPE": model = .byteLevelBPE(try loadBPEModel(modelJSON), try loadPreTokenizer(document["pre_tokenizer"]))
        case "WordPiece":
            model = .wordPiece(try loadWordPieceModel(modelJSON), try loadWordPreTokenizer(document["pre_tokenizer"]))
        case let type: throw TokenizerError.unsupported(path, "model", type)
        }
        let normalizer = try loadNormalizer(document["normalizer"], "normalizer")
        let added = try loadAddedTokens(document["added_tokens"], model: model)
        return TokenizerParts(
            model: model, addedTokens: added, normalizer: normalizer,
            postProcessor: try loadPostProcessor(document["post_processor"]),
            decoder: try loadDecoder(document["decoder"]))
    }

    func loadBPEModel(_ json: JSONValue) throws(TokenizerError) -> BPEModel {
        if let dropout = json["dropout"], !dropout.isNull {
            guard let p = dropout.doubleValue else { throw TokenizerError(path, "'model.dropout' must be a number or null") }
            guard p == 0 else { throw TokenizerError(path, "unsupported model.dropout \(p): BPE dropout is not deterministic") }
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = try fields.optionalString(json[key], "model.\(key)"), !affix.isEmpty {
                throw TokenizerError(path, "unsupported model.\(key) '\(affix)' (byte-level BPE has none)")
            }
        }
        guard try !fields.bool(json["byte_fallback"], "model.byte_fallback", default: false) else {
            throw TokenizerError(path, "unsupported model.byte_fallback true (byte-level BPE needs no fallback)")
        }
        guard let vocabMembers = try fields.object(json["vocab"], "model.vocab").objectValue else {
            throw TokenizerError(path, "'model.vocab' must be an object")
        }
        var vocab: [String: TokenID] = [:]
        vocab.reserveCapacity(vocabMembers.count)
        var seenIDs = Set<TokenID>()
        for (token, value) in vocabMembers {
            let id = try fields.id(value, "model.vocab[\(token)]")
            guard vocab.updateValue(id, forKey: token) == nil else {
                throw TokenizerError(path, "model.vocab lists '\(token)' twice")
            }
            guard seenIDs.insert(id).inserted else { throw TokenizerError(path, "model.vocab gives id \(id) to two tokens") }
        }
        var merges: [(String, String)] = []
        let mergeItems = try fields.array(json["merges"], "model.merges")
        merges.reserveCapacity(mergeItems.count)
        for (rank, item) in mergeItems.enumerated() {
            if let line = item.stringValue {
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw TokenizerError(path, "merge \(rank) '\(line)' is not two tokens separated by one space") }
                merges.append((String(parts[0]), String(parts[1])))
            } else if let pair = item.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                merges.append((a, b))
            } else {
                throw TokenizerError(path, "merge \(rank) must be \"a b\" or [\"a\", \"b\"]")
            }
        }
        return try BPEModel(
            vocab: vocab, mergeList: merges,
            unknownToken: try fields.optionalString(json["unk_token"], "model.unk_token"),
            fuseUnknown: try fields.bool(json["fuse_unk"], "model.fuse_unk", default: false),
            ignoreMerges: try fields.bool(json["ignore_merges"], "model.ignore_merges", default: false),
            path: path)
    }

    func loadAddedTokens(_ json: JSONValue?, model: TokenizerModel) throws(TokenizerError) -> [AddedToken] {
        guard let json, !json.isNull else { return [] }
        var tokens: [AddedToken] = []
        var byID: [TokenID: String] = [:]
        var vocabTokenOfID: [TokenID: String] = [:]
        for (token, id) in model.entries { vocabTokenOfID[id] = token }
        for (k, item) in try fields.array(json, "added_tokens").enumerated() {
            let key = "added_tokens[\(k)]"
            guard item.objectValue != nil else { throw TokenizerError(path, "'\(key)' must be an object") }
            let id = try fields.id(item["id"], "\(key).id")
            let content = try fields.string(item["content"], "\(key).content")
            guard !content.isEmpty else { throw TokenizerError(path, "'\(key).content' is empty") }
            if let vocabID = model.id(of: content), vocabID != id {
                throw TokenizerError(path, "added token '\(content)' has id \(id) but model.vocab gives it \(vocabID)")
            }
            if let owner = vocabTokenOfID[id], owner != content {
                throw TokenizerError(path, "added token '\(content)' has id \(id), which model.vocab gives to '\(owner)'")
            }
            if let other = byID.updateValue(content, forKey: id), other != content {
                throw TokenizerError(path, "added tokens '\(other)' and '\(content)' share id \(id)")
            }
            let special = try fields.bool(item["special"], "\(key).special", default: false)
            tokens.append(AddedToken(
                id: id, content: content, special: special,
                singleWord: try fields.bool(item["single_word"], "\(key).single_word", default: false),
                lstrip: try fields.bool(item["lstrip"], "\(key).lstrip", default: false),
                rstrip: try fields.bool(item["rstrip"], "\(key).rstrip", default: false),
                normalized: try fields.bool(item["normalized"], "\(key).normalized", default: !special)))
        }
        return tokens
    }

    func loadNormalizer(_ json: JSONValue?, _ key: String) throws(TokenizerError) -> Normalizer? {
        guard let json, !json.isNull else { return nil }
        let type = try fields.type(json, key)
        switch type {
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "Lowercase": return .lowercase
        case "BertNormalizer": return .bert(try loadBertNormalizer(json, key))
        case "Sequence":
            var steps: [Normalizer] = []
            for (k, item) in try fields.array(json["normalizers"], "\(key).normalizers").enumerated() {
                guard let step = try loadNormalizer(item, "\(key).normalizers[\(k)]") else {
                    throw TokenizerError(path, "'\(key).normalizers[\(k)]' is null")
                }
                steps.append(step)
            }
            return .sequence(steps)
        default: throw TokenizerError.unsupported(path, "normalizer", type)
        }
    }
}
