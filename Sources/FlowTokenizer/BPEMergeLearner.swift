import FlowCore

/// The merge loop of HF's BpeTrainer, reproduced with its data structures (lazy heap of pair counts,
/// each entry carrying the words to update) so that ties and re-pushes come out in the same order.
struct BPEMergeLearner {
    let specials: [String]
    let vocabularySize: Int
    let minFrequency: Int
    private var words: [[Int32]] = []
    private var wordCounts: [Int] = []
    private var vocabulary: [String] = []
    private var idOf: [String: Int32] = [:]

    init(wordCounts: [String: Int], specials: [String], vocabularySize: Int, minFrequency: Int) {
        self.specials = specials
        self.vocabularySize = vocabularySize
        self.minFrequency = minFrequency
        for token in specials { addToken(token) }
        // The alphabet: every byte character (HF's initial_alphabet) plus anything seen, by code point.
        var alphabet = Set(ByteLevel.byteToScalar)
        for word in wordCounts.keys { alphabet.formUnion(word.unicodeScalars) }
        for scalar in alphabet.sorted(by: { $0.value < $1.value }) { addToken(String(scalar)) }
        // Sorted words make the run independent of dictionary order (HF's result does not depend on it).
        for (word, count) in wordCounts.sorted(by: { $0.key < $1.key }) {
            words.append(word.unicodeScalars.map { idOf[String($0)] ?? 0 })
            self.wordCounts.append(count)
        }
    }

    private mutating func addToken(_ token: String) {
        guard idOf[token] == nil else { return }
        idOf[token] = Int32(vocabulary.count)
        vocabulary.append(token)
    }

    mutating func learn() -> (vocabulary: [String], merges: [(String, String)]) {
        var pairCounts: [UInt64: Int] = [:]
        var whereToUpdate: [UInt64: Set<Int>] = [:]
        for (w, word) in words.enumerated() where word.count > 1 {
            for i in 0..<(word.count - 1) {
                let pair = BPEModel.pairKey(word[i], word[i + 1])
                pairCounts[pair, default: 0] += wordCounts[w]
                whereToUpdate[pair, default: []].insert(w)
            }
        }
        var queue = PairQueue()
        for (pair, positions) in whereToUpdate where pairCounts[pair, default: 0] > 0 {
            queue.push(PairQueue.Entry(pair: pair, count: pairCounts[pair, default: 0], words: positions))
        }
        whereToUpdate.removeAll()
        var merges: [(String, String)] = []
        while vocabulary.count < vocabularySize, var top = queue.pop() {
            let current = pairCounts[top.pair, default: 0]
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || top.count < minFrequency { break }
            let left = Int32(truncatingIfNeeded: top.pair >> 32), right = Int32(truncatingIfNeeded: top.pair)
            let newToken = vocabulary[Int(left)] + vocabulary[Int(right)]
            addToken(newToken)
            let newID = idOf[newToken] ?? 0
            merges.append((vocabulary[Int(left)], vocabulary[Int(right)]))
            for w in top.words.sorted() {
                for (pair, change) in mergeWord(w, left, right, newID) {
                    pairCounts[pair, default: 0] += change * wordCounts[w]
                    if change > 0 { whereToUpdate[pair, default: []].insert(w) }
                }
            }
            for (pair, positions) in whereToUpdate where pairCounts[pair, default: 0] > 0 {
                queue.push(PairQueue.Entry(pair: pair, count: pairCounts[pair, default: 0], words: positions))
            }
            whereToUpdate.removeAll(keepingCapacity: true)
        }
        return (vocabulary, merges)
    }

    /// HF's Word::merge: replace each (left, right) occurrence, left to right, reporting pair count changes.
    private mutating func mergeWord(_ w: Int, _ left: Int32, _ right: Int32, _ replacement: Int32) -> [(UInt64, Int)] {
        var changes: [(UInt64, Int)] = []
        var symbols = words[w]
        var i = 0
        while i < symbols.count {
            if symbols[i] == left && i + 1 < symbols.count && symbols[i + 1] == right {
                if i > 0 {
                    changes.append((BPEModel.pairKey(symbols[i - 1], left), -1))
                    changes.append((BPEModel.pairKey(symbols[i - 1], replacement), 1))
                }
                symbols.replaceSubrange(i...(i + 1), with: [replacement])
                if i < symbols.count - 1 {
                    changes.append((BPEModel.pairKey(right, symbols[i + 1]), -1))
                    changes.append((BPEModel.pairKey(replacement, symbols[i + 1]), 1))
                }
            }
            i += 1
        }
        words[w] = symbols
        return changes
    }
}

/// Max-heap on (count, then the smaller pair of ids): HF's `Merge` ordering.
struct PairQueue {
    struct Entry {
        var pair: UInt64
        var count: Int
        var words: Set<Int>

        func before(_ other: Entry) -> Bool {
            count != other.count ? count > other.count : pair < other.pair
        }
    }

    private var items: [Entry] = []

    mutating func push(_ entry: Entry) {
        items.append(entry)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i].before(items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Entry? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var best = i
            if l < items.count && items[l].before(items[best]) { best = l }
            if r < items.count && items[r].before(items[best]) { best = r }
            if best == i { break }
            items.swapAt(i, best)
            i = best
        }
        return top
    }
}
