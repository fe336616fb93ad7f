/// Text on its way through the pipeline: Unicode scalars plus, for each, the range of original scalars it
/// came from. HF's offsets are those original ranges, so every transformation keeps them.
struct NormalizedText {
    var scalars: [Unicode.Scalar]
    var starts: [Int]
    var ends: [Int]

    init(scalars: [Unicode.Scalar], starts: [Int], ends: [Int]) {
        self.scalars = scalars
        self.starts = starts
        self.ends = ends
    }

    /// Unchanged original scalars `range` of `original`.
    init(original: [Unicode.Scalar], range: Range<Int>) {
        scalars = Array(original[range])
        starts = Array(range)
        ends = range.map { $0 + 1 }
    }

    var count: Int { scalars.count }
    var isEmpty: Bool { scalars.isEmpty }

    func slice(_ range: Range<Int>) -> NormalizedText {
        NormalizedText(scalars: Array(scalars[range]), starts: Array(starts[range]), ends: Array(ends[range]))
    }

    /// Original range covered by normalized scalars `range` (HF: first alignment's start, last one's end).
    func originalRange(_ range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else {
            let at = range.lowerBound < count ? starts[range.lowerBound] : (ends.last ?? 0)
            return at..<at
        }
        return starts[range.lowerBound]..<max(starts[range.lowerBound], ends[range.upperBound - 1])
    }

    /// HF's `prepend(" ")`: the new space and the old first scalar both map to the first scalar's origin.
    func prependingSpace() -> NormalizedText {
        guard let first = starts.first, let firstEnd = ends.first else { return self }
        return NormalizedText(scalars: [" "] + scalars, starts: [first] + starts, ends: [firstEnd] + ends)
    }

    var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}
