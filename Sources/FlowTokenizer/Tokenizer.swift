import Foundation
import FlowCore

/// A Hugging Face `tokenizer.json` tokenizer, byte-level BPE (GPT-2, RoBERTa) or WordPiece (BERT): encodes
/// to the same ids, tokens, character offsets and type ids as HF tokenizers, decodes like HF, and writes
/// itself back as tokenizer.json. Thread-safe.
public final class Tokenizer: Sendable {
    let model: TokenizerModel
    public let addedTokens: [AddedToken]
    let normalizer: Normalizer?
    let postProcessor: PostProcessor?
    let decoder: Decoder?
    let rawMatcher: AddedTokenMatcher
    let normalizedMatcher: AddedTokenMatcher
    let idToToken: [String?]
    /// The model's own spelling of each of its ids: what HF puts in an encoding for a model token, even
    /// where `idToToken` holds a normalized added token's reading.
    let modelTokens: [String?]
    let specialIDs: Set<TokenID>
    /// Ids whose token string is a special token's content: what HF's decode skips (it compares strings).
    let skippedIDs: Set<TokenID>
    let addedByContent: [String: TokenID]
    let document: JSONValue
    /// Where it came from (or "<memory>"), for messages.
    public let path: String

    public static func load(from url: URL) throws -> Tokenizer {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerError(url.path, "cannot read the file")
        }
        return try Tokenizer(jsonData: data, path: url.path)
    }

    public convenience init(jsonData: Data, path: String = "<memory>") throws(TokenizerError) {
        let document: JSONValue
        do {
            document = try JSONValue.parse(jsonData)
        } catch {
            throw TokenizerError(path, error.description)
        }
        try self.init(document: document, path: path)
    }

    init(document: JSONValue, path: String) throws(TokenizerError) {
        let parts = try TokenizerLoader(path: path).load(document)
        self.document = document
        self.path = path
        model = parts.model
        addedTokens = parts.addedTokens
        normalizer = parts.normalizer
        postProcessor = parts.postProcessor
        decoder = parts.decoder
        rawMatcher = AddedTokenMatcher(tokens: parts.addedTokens.filter { !$0.normalized }, normalize: nil)
        let normalizer = parts.normalizer
        normalizedMatcher = AddedTokenMatcher(tokens: parts.addedTokens.filter(\.normalized),
                                              normalize: normalizer.map { n in { n.apply($0) } })
        let entries = parts.model.entries
        let maxID = max(entries.map(\.id).max() ?? -1, parts.addedTokens.map(\.id).max() ?? -1)
        // Ids index a table; a few holes are fine, a hostile id of 16 million is not.
        let tokenCount = entries.count + parts.addedTokens.count
        guard Int(maxID) < 2 * tokenCount + 1024 else {
            throw TokenizerError(path, "token ids are too sparse: largest id \(maxID) for \(tokenCount) tokens")
        }
        var table = [String?](repeating: nil, count: Int(maxID) + 1)
        for (token, id) in entries { table[Int(id)] = token }
        modelTokens = table
        // HF reads a `normalized` added token back as its normalized content ("New York" -> "new york").
        for token in parts.addedTokens {
            table[Int(token.id)] = token.normalized ? parts.normalizer.map { $0.apply(token.content) } ?? token.content : token.content
        }
        // What the post-processor adds must be a token: callers index tables with every id they get.
        for id in parts.postProcessor?.emittedIDs ?? [] where Int(id) >= table.count || table[Int(id)] == nil {
            throw TokenizerError(path, "post_processor adds id \(id), which is neither in model.vocab nor in added_tokens")
        }
        idToToken = table
        specialIDs = Set(parts.addedTokens.filter(\.special).map(\.id))
        let specialContents = Set(parts.addedTokens.filter(\.special).map { Array($0.content.utf8) })
        skippedIDs = Set(table.indices.filter { id in table[id].map { specialContents.contains(Array($0.utf8)) } ?? false }
            .map { TokenID($0) })
        addedByContent = Dictionary(parts.addedTokens.map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a })
    }

    /// Number of ids (one past the largest id of the vocabulary and the added tokens).
    public var vocabularySize: Int { idToToken.count }

    public func tokenString(_ id: TokenID) -> String? {
        guard id >= 0, Int(id) < idToToken.count else { return nil }
        return idToToken[Int(id)]
    }

    public func id(for token: String) -> TokenID? { addedByContent[token] ?? model.id(of: token) }

    /// The byte-level BPE model, when that is the kind (nil for WordPiece).
    var bpeModel: BPEModel? {
        if case let .byteLevelBPE(bpe, _) = model { return bpe }
        return nil
    }

    public func isSpecial(_ id: TokenID) -> Bool { specialIDs.contains(id) }

    /// pad/cls/sep/mask (and unk) found by their usual names, BERT's `[PAD]` or RoBERTa's `<pad>` style.
    public var specialTokens: SpecialTokens? {
        guard let pad = conventionalID(.pad), let cls = conventionalID(.cls), let sep = conventionalID(.sep),
              let mask = conventionalID(.mask) else { return nil }
        return SpecialTokens(pad: pad, cls: cls, sep: sep, mask: mask, unk: conventionalID(.unk))
    }

    /// The id of the first of the role's conventional names this tokenizer has.
    public func conventionalID(_ role: SpecialTokenRole) -> TokenID? {
        role.conventionalNames.lazy.compactMap { self.id(for: $0) }.first
    }

    /// The bytes one token stands for (possibly part of a UTF-8 sequence); empty for an unknown id. With
    /// the WordPiece decoder a word-starting token begins with a space and a continuation ("##ing") loses
    /// its prefix, as when it is decoded after another token; special tokens are their text.
    public func pieceBytes(_ id: TokenID) -> [UInt8] {
        guard let token = tokenString(id) else { return [] }
        switch decoder {
        case .byteLevel: return ByteLevel.bytes(forToken: token)
        case let .wordPiece(prefix, _) where !specialIDs.contains(id): return WordPieceDecoding.joined(token, prefix: prefix)
        default: return Array(token.utf8)
        }
    }

    /// Display text of one token: its bytes as UTF-8, U+FFFD for an incomplete or invalid sequence.
    public func pieceText(_ id: TokenID) -> String { String(decoding: pieceBytes(id), as: UTF8.self) }

    /// HF's decode: tokens of known ids (specials dropped when asked), then the decoder (or, with no
    /// decoder, the tokens joined by spaces).
    public func decode(_ ids: [TokenID], skipSpecialTokens: Bool = false) -> String {
        var tokens: [String] = []
        for id in ids {
            guard let token = tokenString(id) else { continue }
            if skipSpecialTokens && skippedIDs.contains(id) { continue }
            tokens.append(token)
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decode(tokens)
    }

    /// tokenizer.json text: the loaded document as read (or as the trainer built it), compact.
    public func jsonData() -> Data { Data(document.serialized.utf8) }

    public func write(to url: URL) throws { try AtomicFile.write(jsonData(), to: url) }
}
