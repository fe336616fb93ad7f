import FlowCore

/// Right-padded token sequences ready for the forward pass: `ids` is [batchSize, length] row-major and
/// row b holds `lengths[b]` real tokens followed by padding. Positions run 0..<length in every row, as in
/// HF, so a padded row gives the same outputs on its real tokens as the sequence alone.
public struct TokenBatch: Sendable, Equatable {
    public let ids: [TokenID]
    public let batchSize: Int
    public let length: Int
    public let lengths: [Int]

    public var tokenCount: Int { batchSize * length }

    /// Pads `sequences` on the right with `padID` to the longest one.
    public init(sequences: [[TokenID]], padID: TokenID) {
        let length = sequences.map(\.count).max() ?? 0
        var ids: [TokenID] = []
        ids.reserveCapacity(sequences.count * length)
        for s in sequences { ids += s; ids += repeatElement(padID, count: length - s.count) }
        self.ids = ids; self.batchSize = sequences.count; self.length = length; self.lengths = sequences.map(\.count)
    }

    /// From flat ids and an HF-style attention mask (1 = real token), both [batchSize, length]. Only right
    /// padding is supported: each mask row must be ones followed by zeros.
    public init(ids: [TokenID], attentionMask: [Int], batchSize: Int, length: Int) throws(ModelInputError) {
        guard batchSize >= 0, length >= 0, ids.count == batchSize * length, attentionMask.count == ids.count else {
            throw ModelInputError("ids (\(ids.count)) and attention mask (\(attentionMask.count)) must both hold \(batchSize)×\(length) values")
        }
        var lengths: [Int] = []
        for b in 0..<batchSize {
            let row = attentionMask[(b * length)..<((b + 1) * length)]
            let real = row.prefix { $0 == 1 }.count
            guard row.dropFirst(real).allSatisfy({ $0 == 0 }) else {
                throw ModelInputError("attention mask row \(b) is not right padding (ones, then zeros)")
            }
            lengths.append(real)
        }
        self.ids = ids; self.batchSize = batchSize; self.length = length; self.lengths = lengths
    }

    /// The batch's attention mask in HF form.
    public var attentionMask: [Int] {
        lengths.flatMap { n in Array(repeating: 1, count: n) + Array(repeating: 0, count: length - n) }
    }
}

extension TokenBatch {
    /// From flat right-padded ids [batchSize, length] and each row's real length.
    public init(ids: [TokenID], lengths: [Int], batchSize: Int, length: Int) throws(ModelInputError) {
        guard lengths.count == batchSize, lengths.allSatisfy({ $0 >= 0 && $0 <= length }) else {
            throw ModelInputError("row lengths \(lengths) do not fit \(batchSize) rows of \(length)")
        }
        let mask = lengths.flatMap { n in Array(repeating: 1, count: n) + Array(repeating: 0, count: length - n) }
        try self.init(ids: ids, attentionMask: mask, batchSize: batchSize, length: length)
    }
}

extension TokenBatch {
    /// Refuses an id outside 0..<vocabularySize before a forward pass reads an embedding row with it: callers' ids
    /// are input, so a bad one is an error, not an out-of-bounds read.
    func checkIDs(vocabularySize v: Int) throws(ModelInputError) {
        if let bad = ids.first(where: { $0 < 0 || Int($0) >= v }) {
            throw ModelInputError("token id \(bad) is outside the vocabulary (0..<\(v))")
        }
    }
}
