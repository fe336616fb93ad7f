import FlowCore

/// The result of encoding a text: token ids, their strings, each token's range of Unicode scalars in the
/// input (the character offsets HF's Python API reports; special tokens get 0..<0), and each token's type
/// id (0 for the first sequence, usually 1 for the second of a pair).
public struct Encoding: Sendable, Equatable {
    public var ids: [TokenID] = []
    public var tokens: [String] = []
    public var offsets: [Range<Int>] = []
    public var typeIDs: [UInt32] = []

    /// `typeIDs` nil means all 0.
    public init(ids: [TokenID] = [], tokens: [String] = [], offsets: [Range<Int>] = [], typeIDs: [UInt32]? = nil) {
        self.ids = ids
        self.tokens = tokens
        self.offsets = offsets
        self.typeIDs = typeIDs ?? Array(repeating: 0, count: ids.count)
    }

    public var count: Int { ids.count }

    mutating func append(_ other: Encoding) {
        ids += other.ids
        tokens += other.tokens
        offsets += other.offsets
        typeIDs += other.typeIDs
    }

    mutating func append(id: TokenID, token: String, offsets range: Range<Int>, typeID: UInt32 = 0) {
        ids.append(id)
        tokens.append(token)
        offsets.append(range)
        typeIDs.append(typeID)
    }
}
