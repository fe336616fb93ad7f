/// Words of `text` in lines of at most `width` columns; a word longer than a line gets a line of its own
/// (and is cut with `…` when drawn).
func wrapWords(_ text: String, width: Int) -> [String] {
    var lines: [String] = [], line = ""
    for word in text.split(separator: " ") {
        if line.isEmpty { line = String(word) }
        else if DisplayWidth.of(line) + 1 + DisplayWidth.of(word) <= width { line += " " + word }
        else { lines.append(line); line = String(word) }
    }
    lines.append(line)
    return lines
}
