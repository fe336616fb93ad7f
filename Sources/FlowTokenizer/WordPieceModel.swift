import FlowCore

/// HF's WordPiece model: each pre-token is split greedily, longest vocabulary match first, pieces after the
/// first spelled with the continuing-subword prefix ("##"). A pre-token with a piece that matches nothing,
/// or longer than `maxInputCharsPerWord` scalars, becomes the unknown token alone.
final class WordPieceModel: Sendable {
    /// The vocabulary in file order (for id lookups and writing back).
    let entries: [(token: String, id: TokenID)]
    /// Token -> id by exact UTF-8 bytes, as Rust compares strings (a Swift String key would also match a
    /// canonically equivalent spelling: "é" and "e\u{301}" are one String but two HF tokens).
    let ids: [ByteKey: TokenID]
    let unknownToken: String
    let unknownID: TokenID
    let prefix: String
    let maxInputCharsPerWord: Int
    /// The longest token's length in scalars (prefix excluded): no longer candidate can match.
    let longestToken: Int
    private let prefixBytes: [UInt8]

    init(entries: [(token: String, id: TokenID)], unknownToken: String, prefix: String,
         maxInputCharsPerWord: Int, path: String) throws(TokenizerError) {
        guard !entries.isEmpty else { throw TokenizerError(path, "'model.vocab' is empty") }
        var ids: [ByteKey: TokenID] = [:]
        ids.reserveCapacity(entries.count)
        var seenIDs = Set<TokenID>()
        var longest = 0
        for (token, id) in entries {
            guard ids.updateValue(id, forKey: ByteKey(bytes: Array(token.utf8))) == nil else {
                throw TokenizerError(path, "model.vocab lists '\(token)' twice")
            }
            guard seenIDs.insert(id).inserted else { throw TokenizerError(path, "model.vocab gives id \(id) to two tokens") }
            longest = max(longest, token.unicodeScalars.count)
        }
        guard let unknownID = ids[ByteKey(bytes: Array(unknownToken.utf8))] else {
            throw TokenizerError(path, "model.unk_token '\(unknownToken)' is not in model.vocab")
        }
        self.entries = entries
        self.ids = ids
        self.unknownToken = unknownToken
        self.unknownID = unknownID
        self.prefix = prefix
        self.prefixBytes = Array(prefix.utf8)
        self.maxInputCharsPerWord = maxInputCharsPerWord
        self.longestToken = longest
    }

    func id(of token: String) -> TokenID? { ids[ByteKey(bytes: Array(token.utf8))] }

    /// Pieces of one pre-token: ids with scalar ranges within `scalars`.
    func tokenize(_ scalars: ArraySlice<Unicode.Scalar>) -> [WordPiece] {
        let n = scalars.count
        guard n > 0 else { return [] }
        let whole = [WordPiece(id: unknownID, start: 0, end: n)]
        guard n <= maxInputCharsPerWord else { return whole }
        // UTF-8 of the word, and where each scalar's bytes start.
        var bytes: [UInt8] = []
        var byteStart: [Int] = []
        bytes.reserveCapacity(n)
        byteStart.reserveCapacity(n + 1)
        for scalar in scalars {
            byteStart.append(bytes.count)
            UTF8.encode(scalar) { bytes.append($0) }
        }
        byteStart.append(bytes.count)
        var pieces: [WordPiece] = []
        var start = 0
        var candidate: [UInt8] = []
        while start < n {
            var end = min(n, start + longestToken)
            var found: TokenID?
            while end > start {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate += prefixBytes }
                candidate += bytes[byteStart[start]..<byteStart[end]]
                if let id = ids[ByteKey(bytes: candidate)] {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return whole }
            pieces.append(WordPiece(id: id, start: start, end: end))
            start = end
        }
        return pieces
    }
}

/// One WordPiece token of a pre-token: its id and scalar range within the pre-token.
struct WordPiece: Sendable, Equatable {
    var id: TokenID
    var start: Int
    var end: Int
}
