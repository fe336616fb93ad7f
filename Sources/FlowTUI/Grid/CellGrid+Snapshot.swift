extension CellGrid {
    /// The characters of every row, trailing spaces trimmed; wide graphemes appear once.
    public func textSnapshot() -> String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for y in 0..<height {
            var line = ""
            for x in 0..<width where !self[x, y].isContinuation { line.append(self[x, y].glyph) }
            while line.last == " " { line.removeLast() }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// One letter per cell naming its style (`.` = plain), plus a legend; reviewable as text in a diff.
    /// Letters are assigned in order of first appearance, so the map is stable for a given screen.
    public func styleMap() -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var codes: [CellStyle: Character] = [.plain: "."]
        var legend: [String] = []
        var rows: [String] = []
        for y in 0..<height {
            var row = ""
            for x in 0..<width {
                let style = self[x, y].style
                if let code = codes[style] { row.append(code); continue }
                let code = codes.count - 1 < letters.count ? letters[codes.count - 1] : "?"
                codes[style] = code
                legend.append("\(code): \(style)")
                row.append(code)
            }
            rows.append(row)
        }
        return (rows + ["--"] + legend).joined(separator: "\n")
    }
}
