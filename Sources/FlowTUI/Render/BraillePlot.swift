/// Line plot on braille dots: each cell holds 2×4 dots, so a w×h panel plots at 2w×4h resolution.
struct BraillePlot {
    let width: Int
    let height: Int
    private(set) var bits: [UInt8]
    private(set) var series: [Int]

    init(width: Int, height: Int) {
        self.width = max(0, width); self.height = max(0, height)
        bits = Array(repeating: 0, count: self.width * self.height)
        series = Array(repeating: -1, count: self.width * self.height)
    }

    private static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets dot (x, y) in dot coordinates, y = 0 at the top; tags the cell with the series drawn last.
    mutating func set(x: Int, y: Int, series index: Int) {
        guard x >= 0, y >= 0, x < width * 2, y < height * 4 else { return }
        let cell = (y / 4) * width + x / 2
        bits[cell] |= BraillePlot.dotBits[x % 2][y % 4]
        series[cell] = index
    }

    /// Draws a polyline through the points mapped into the dot grid, joining neighbours with a line.
    mutating func plot(_ points: [(x: Double, y: Double)], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                       series index: Int) {
        let xSpan = max(1e-12, xRange.upperBound - xRange.lowerBound)
        let ySpan = max(1e-12, yRange.upperBound - yRange.lowerBound)
        let maxX = Double(width * 2 - 1), maxY = Double(height * 4 - 1)
        var previous: (Int, Int)?
        for point in points where point.x.isFinite && point.y.isFinite {
            let dx = Int(((point.x - xRange.lowerBound) / xSpan * maxX).rounded())
            let dy = Int((maxY - (point.y - yRange.lowerBound) / ySpan * maxY).rounded())
            if let (px, py) = previous {
                let steps = max(abs(dx - px), abs(dy - py), 1)
                for s in 0...steps {
                    let t = Double(s) / Double(steps)
                    set(x: px + Int((Double(dx - px) * t).rounded()), y: py + Int((Double(dy - py) * t).rounded()),
                        series: index)
                }
            } else {
                set(x: dx, y: dy, series: index)
            }
            previous = (dx, dy)
        }
    }

    /// Copies the plot into the grid at (x, y), colouring each cell by its series' style.
    func draw(into grid: inout CellGrid, x: Int, y: Int, styles: [CellStyle]) {
        for row in 0..<height {
            for column in 0..<width {
                let cell = row * width + column
                guard bits[cell] != 0, let scalar = Unicode.Scalar(0x2800 + UInt32(bits[cell])) else { continue }
                let style = series[cell] >= 0 && series[cell] < styles.count ? styles[series[cell]] : .plain
                grid.put(Character(scalar), x: x + column, y: y + row, style: style)
            }
        }
    }
}
