import FlowCore

/// A model with the pre-tokenizer it needs: byte-level BPE after a ByteLevel step (and any Splits), or
/// WordPiece after word splitting (BertPreTokenizer, Whitespace...). The two families share the rest.
enum TokenizerModel: Sendable {
    case byteLevelBPE(BPEModel, ByteLevelPreTokenizer)
    case wordPiece(WordPieceModel, WordPreTokenizer)

    func id(of token: String) -> TokenID? {
        switch self {
        case let .byteLevelBPE(bpe, _): return bpe.vocab[token]
        case let .wordPiece(wordPiece, _): return wordPiece.id(of: token)
        }
    }

    /// Every vocabulary entry (in no promised order).
    var entries: [(token: String, id: TokenID)] {
        switch self {
        case let .byteLevelBPE(bpe, _): return bpe.vocab.map { (token: $0.key, id: $0.value) }
        case let .wordPiece(wordPiece, _): return wordPiece.entries
        }
    }

    var name: String {
        switch self {
        case .byteLevelBPE: return "BPE"
        case .wordPiece: return "WordPiece"
        }
    }
}
