extension CellGrid {
    /// Indices (y * width + x) of cells that differ from `previous`; every cell when the size changed.
    /// A changed wide glyph also reports its continuation cell, so a terminal redraws both halves.
    public func changedCells(since previous: CellGrid?) -> [Int] {
        guard let previous, previous.width == width, previous.height == height else { return Array(cells.indices) }
        var changed: [Int] = []
        cells.withUnsafeBufferPointer { now in
            previous.cells.withUnsafeBufferPointer { before in
                for i in 0..<now.count where now[i] != before[i] { changed.append(i) }
            }
        }
        return changed
    }
}
