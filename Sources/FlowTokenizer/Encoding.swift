import FlowCore

/// The result of encoding a text: token ids, their strings, and each token's range of Unicode scalars
/// in the input (the character offsets HF's Python API reports; special tokens get 0..<0).
public struct Encoding: Sendable, Equatable {
    public var ids: [TokenID] = []
    public var tokens: [String] = []
    public var offsets: [Range<Int>] = []

    public init(ids: [TokenID] = [], tokens: [String] = [], offsets: [Range<Int>] = []) {
        self.ids = ids
        self.tokens = tokens
        self.offsets = offsets
    }

    public var count: Int { ids.count }

    mutating func append(_ other: Encoding) {
        ids += other.ids
        tokens += other.tokens
        offsets += other.offsets
    }

    mutating func append(id: TokenID, token: String, offsets range: Range<Int>) {
        ids.append(id)
        tokens.append(token)
        offsets.append(range)
    }
}
