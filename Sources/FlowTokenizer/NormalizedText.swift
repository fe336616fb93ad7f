/// Text on its way through the pipeline: Unicode scalars plus, for each, the range of original scalars it
/// came from. HF's offsets are those original ranges, so every transformation keeps them. Untouched text
/// (the common case) stores no table: scalar k came from original scalar `offset + k`.
struct NormalizedText {
    private(set) var scalars: [Unicode.Scalar]
    private var offset: Int
    private var starts: [Int32]?
    private var ends: [Int32]?

    init(scalars: [Unicode.Scalar], starts: [Int32], ends: [Int32]) {
        precondition(scalars.count == starts.count && scalars.count == ends.count, "one alignment per scalar")
        self.scalars = scalars
        self.offset = 0
        self.starts = starts
        self.ends = ends
    }

    /// Unchanged original scalars `range` of `original`.
    init(original: [Unicode.Scalar], range: Range<Int>) {
        scalars = Array(original[range])
        offset = range.lowerBound
        starts = nil
        ends = nil
    }

    var count: Int { scalars.count }
    var isEmpty: Bool { scalars.isEmpty }

    @inline(__always) func start(_ k: Int) -> Int {
        if let starts { return Int(starts[k]) }
        return offset + k
    }

    @inline(__always) func end(_ k: Int) -> Int {
        if let ends { return Int(ends[k]) }
        return offset + k + 1
    }

    func slice(_ range: Range<Int>) -> NormalizedText {
        guard let starts, let ends else {
            var copy = self
            copy.scalars = Array(scalars[range])
            copy.offset = offset + range.lowerBound
            return copy
        }
        return NormalizedText(scalars: Array(scalars[range]), starts: Array(starts[range]), ends: Array(ends[range]))
    }

    /// Original range covered by normalized scalars `range` (HF: first alignment's start, last one's end).
    func originalRange(_ range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else {
            let at = range.lowerBound < count ? start(range.lowerBound) : (count > 0 ? end(count - 1) : offset)
            return at..<at
        }
        let lower = start(range.lowerBound)
        return lower..<max(lower, end(range.upperBound - 1))
    }

    /// HF's `prepend(" ")`: the new space and the old first scalar both map to the first scalar's origin.
    func prependingSpace() -> NormalizedText {
        guard !scalars.isEmpty else { return self }
        var newStarts: [Int32] = [Int32(start(0))]
        var newEnds: [Int32] = [Int32(end(0))]
        newStarts.reserveCapacity(count + 1)
        newEnds.reserveCapacity(count + 1)
        for k in 0..<count {
            newStarts.append(Int32(start(k)))
            newEnds.append(Int32(end(k)))
        }
        return NormalizedText(scalars: [" "] + scalars, starts: newStarts, ends: newEnds)
    }

    /// Replaces scalars one for one; each keeps its alignment.
    mutating func replaceScalars(_ transform: (Unicode.Scalar) -> Unicode.Scalar) {
        for k in scalars.indices { scalars[k] = transform(scalars[k]) }
    }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
