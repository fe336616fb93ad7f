import Foundation
import FlowCore

/// Byte-level BPE training that follows HF's BpeTrainer step for step: specials first, then the 256
/// byte characters by code point, then merges of the most frequent pair (ties: lower token ids first),
/// stopping at the target size or when the best pair is rarer than `minFrequency`.
public struct BPETrainer: Sendable {
    public var vocabularySize: Int
    public var minFrequency: Int
    public var specialTokens: [String]
    public var addPrefixSpace: Bool

    public static let defaultSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    public init(vocabularySize: Int, minFrequency: Int = 2, specialTokens: [String] = BPETrainer.defaultSpecialTokens,
                addPrefixSpace: Bool = false) {
        self.vocabularySize = vocabularySize
        self.minFrequency = minFrequency
        self.specialTokens = specialTokens
        self.addPrefixSpace = addPrefixSpace
    }

    /// Trains on texts (each one sequence, as HF's `train_from_iterator` sees them).
    public func train(texts: some Sequence<String>) throws(TokenizerError) -> Tokenizer {
        guard vocabularySize > 0, vocabularySize < 1 << 24 else {
            throw TokenizerError("<trainer>", "vocabulary size \(vocabularySize) is out of range 1..<16777216")
        }
        var seenSpecials = Set<String>()
        for token in specialTokens where token.isEmpty || !seenSpecials.insert(token).inserted {
            throw TokenizerError("<trainer>", "special token '\(token)' is empty or listed twice")
        }
        var counter = WordCounter(addPrefixSpace: addPrefixSpace)
        for text in texts { counter.add(text) }
        var learner = BPEMergeLearner(wordCounts: counter.counts, specials: specialTokens,
                                      vocabularySize: vocabularySize, minFrequency: minFrequency)
        let result = learner.learn()
        let document = TokenizerDocument.byteLevelBPE(
            vocabulary: result.vocabulary, merges: result.merges, specials: specialTokens,
            addPrefixSpace: addPrefixSpace)
        return try Tokenizer(document: document, path: "<trained>")
    }

    /// Trains on the lines of text files (HF's `train(files)` also reads line by line).
    public func train(files: [URL]) throws -> Tokenizer {
        var lines: [String] = []
        for url in files {
            let data: Data
            do { data = try Data(contentsOf: url) } catch { throw TokenizerError(url.path, "cannot read the training file") }
            guard let text = String(data: data, encoding: .utf8) else { throw TokenizerError(url.path, "training file is not UTF-8") }
            text.enumerateLines { line, _ in lines.append(line) }
        }
        return try train(texts: lines)
    }
}

/// Pre-token counts in byte-level spelling, as HF's trainer collects them.
struct WordCounter {
    let addPrefixSpace: Bool
    var counts: [String: Int] = [:]
    private var scratch = EncodeScratch()

    init(addPrefixSpace: Bool) { self.addPrefixSpace = addPrefixSpace }

    mutating func add(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        if addPrefixSpace, let first = scalars.first, first != " " { scalars.insert(" ", at: 0) }
        scalars.withUnsafeBufferPointer { buffer in
            GPT2Splitter.split(buffer) { range in
                scratch.bytes.removeAll(keepingCapacity: true)
                scratch.byteScalar.removeAll(keepingCapacity: true)
                for k in range { scratch.appendUTF8(buffer[k], scalarIndex: 0) }
                counts[ByteLevel.string(forBytes: scratch.bytes), default: 0] += 1
            }
        }
    }
}
