import FlowCore

/// Symbols of one word as a linked list, merged by HF's rule: repeatedly apply the lowest-ranked merge,
/// leftmost first, until none applies. A heap of (rank, position) keeps it O(n log n) on long words.
struct BPESymbols {
    private var ids: [TokenID] = []
    private var starts: [Int32] = []
    private var ends: [Int32] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var pendingStart: Int32 = 0


    /// Appends a one-byte symbol. Positions count kept bytes only: HF drops an unknown byte without an
    /// unk token and does not advance its offsets for it.
    mutating func append(id: TokenID) {
        let index = Int32(ids.count)
        ids.append(id)
        starts.append(pendingStart)
        ends.append(pendingStart + 1)
        previous.append(index - 1)
        next.append(index + 1)
        pendingStart += 1
    }

    mutating func extendLast() {
        ends[ends.count - 1] += 1
        pendingStart += 1
    }

    mutating func mergeAll(_ merges: [UInt64: (rank: Int32, id: TokenID)]) {
        let n = ids.count
        guard n > 1 else { return }
        next[n - 1] = -1
        var heap = MinHeap()
        for i in 0..<(n - 1) {
            if let m = merges[BPEModel.pairKey(ids[i], ids[i + 1])] { heap.push(rank: m.rank, position: Int32(i)) }
        }
        while let (rank, position) = heap.pop() {
            let left = Int(position)
            let rightIndex = next[left]
            // Skip entries made stale by an earlier merge: the left symbol is gone or its pair changed.
            guard ids[left] >= 0, rightIndex >= 0 else { continue }
            let right = Int(rightIndex)
            guard let m = merges[BPEModel.pairKey(ids[left], ids[right])], m.rank == rank else { continue }
            ids[left] = m.id
            ends[left] = ends[right]
            ids[right] = -1
            next[left] = next[right]
            if next[right] >= 0 { previous[Int(next[right])] = Int32(left) }
            if previous[left] >= 0 {
                let p = Int(previous[left])
                if let pm = merges[BPEModel.pairKey(ids[p], ids[left])] { heap.push(rank: pm.rank, position: Int32(p)) }
            }
            if next[left] >= 0 {
                let q = Int(next[left])
                if let qm = merges[BPEModel.pairKey(ids[left], ids[q])] { heap.push(rank: qm.rank, position: Int32(left)) }
            }
        }
    }

    func word() -> BPEWord {
        var outIDs: [TokenID] = []
        var outEnds: [Int32] = []
        var outStarts: [Int32] = []
        for i in ids.indices where ids[i] >= 0 {
            outIDs.append(ids[i])
            outStarts.append(starts[i])
            outEnds.append(ends[i])
        }
        return BPEWord(ids: outIDs, ends: outEnds, starts: outStarts)
    }
}

/// Binary min-heap of (rank, position) packed into one UInt64 so comparisons order by rank, then position.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(rank: Int32, position: Int32) {
        items.append(UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: position)))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[i] < items[parent] else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (rank: Int32, position: Int32)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < items.count && items[l] < items[smallest] { smallest = l }
                if r < items.count && items[r] < items[smallest] { smallest = r }
                if smallest == i { break }
                items.swapAt(i, smallest)
                i = smallest
            }
        }
        return (Int32(bitPattern: UInt32(top >> 32)), Int32(bitPattern: UInt32(top & 0xFFFF_FFFF)))
    }
}
