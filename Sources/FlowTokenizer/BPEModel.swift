import Foundation
import FlowCore

/// A byte-level BPE model: vocabulary, ranked merges, and the merge loop HF runs on each pre-token.
final class BPEModel: @unchecked Sendable {
    let vocab: [String: TokenID]
    /// Merged pair (left id << 32 | right id) -> (rank, id of the merged token).
    let merges: [UInt64: (rank: Int32, id: TokenID)]
    /// The ranked pairs as token strings, in file order (kept for writing the file back).
    let mergeList: [(String, String)]
    /// Initial symbol of each byte, -1 when its byte-level character is missing from the vocabulary.
    let byteIDs: [TokenID]
    let unknownID: TokenID?
    let unknownToken: String?
    let fuseUnknown: Bool
    let ignoreMerges: Bool

    private let cacheLock = NSLock()
    private var cache: [String: BPEWord] = [:]
    private static let cacheLimit = 200_000

    init(vocab: [String: TokenID], mergeList: [(String, String)], unknownToken: String?, fuseUnknown: Bool,
         ignoreMerges: Bool, path: String) throws(TokenizerError) {
        self.vocab = vocab
        self.mergeList = mergeList
        var merges: [UInt64: (rank: Int32, id: TokenID)] = [:]
        merges.reserveCapacity(mergeList.count)
        for (rank, (left, right)) in mergeList.enumerated() {
            guard let l = vocab[left] else { throw TokenizerError(path, "merge \(rank) names '\(left)', which is not in the vocabulary") }
            guard let r = vocab[right] else { throw TokenizerError(path, "merge \(rank) names '\(right)', which is not in the vocabulary") }
            guard let merged = vocab[left + right] else {
                throw TokenizerError(path, "merge \(rank) makes '\(left + right)', which is not in the vocabulary")
            }
            let key = BPEModel.pairKey(l, r)
            if merges[key] == nil { merges[key] = (Int32(rank), merged) }
        }
        self.merges = merges
        byteIDs = ByteLevel.byteToScalar.map { vocab[String($0)] ?? -1 }
        if let unknownToken {
            guard let id = vocab[unknownToken] else {
                throw TokenizerError(path, "model.unk_token '\(unknownToken)' is not in the vocabulary")
            }
            unknownID = id
        } else {
            unknownID = nil
        }
        self.unknownToken = unknownToken
        self.fuseUnknown = fuseUnknown
        self.ignoreMerges = ignoreMerges
    }

    @inline(__always) static func pairKey(_ left: TokenID, _ right: TokenID) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Tokens of one pre-token given as UTF-8 bytes, through the per-word cache.
    func tokenize(bytes: UnsafeBufferPointer<UInt8>) -> BPEWord {
        let key = ByteLevel.string(forBytes: bytes)
        cacheLock.lock()
        let hit = cache[key]
        cacheLock.unlock()
        if let hit { return hit }
        let word = tokenizeUncached(bytes: bytes, byteLevel: key)
        cacheLock.lock()
        if cache.count >= BPEModel.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = word
        cacheLock.unlock()
        return word
    }

    func tokenizeUncached(bytes: UnsafeBufferPointer<UInt8>, byteLevel: String) -> BPEWord {
        if ignoreMerges, let id = vocab[byteLevel] { return BPEWord(ids: [id], ends: [Int32(bytes.count)]) }
        var symbols = BPESymbols()
        var previousUnknown = false
        for byte in bytes {
            let id = byteIDs[Int(byte)]
            if id >= 0 {
                symbols.append(id: id)
                previousUnknown = false
            } else if let unknownID {
                if fuseUnknown && previousUnknown { symbols.extendLast() } else { symbols.append(id: unknownID) }
                previousUnknown = true
            }
        }
        symbols.mergeAll(merges)
        return symbols.word()
    }
}

/// The tokens of one pre-token: ids and, for each, the end of its byte range within the pre-token.
struct BPEWord: Sendable {
    var ids: [TokenID]
    var ends: [Int32]
    /// Start byte of each token (a dropped byte with no unk token leaves a gap, as in HF).
    var starts: [Int32] = []

    init(ids: [TokenID], ends: [Int32], starts: [Int32]? = nil) {
        self.ids = ids
        self.ends = ends
        self.starts = starts ?? ids.indices.map { $0 == 0 ? 0 : ends[$0 - 1] }
    }
}
