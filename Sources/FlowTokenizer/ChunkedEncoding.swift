import FlowCore

extension Tokenizer {
    /// The ids `encode(text, addSpecialTokens: false)` gives, computed about `chunkBytes` of text at a time, so a
    /// large corpus never holds a whole `Encoding` (token strings and offsets, some 40 bytes a token) or the
    /// text's scalars at once: a 200 MB corpus needed 2.8 GB with one `encode`.
    /// A chunk ends just before a single space that sits between two printable ASCII characters. Every
    /// pre-tokenizer FlowTokenizer reads (ByteLevel's GPT-2 pattern, BERT's and Whitespace splits) starts a piece
    /// there, normalizers act within pieces, and such a space cannot be inside an added token unless one contains
    /// a space (then the text is encoded whole), so the ids equal those of one `encode` (`ChunkedEncodingTests`).
    /// Text with no such space is encoded whole.
    public func encodeIDs(_ text: String, chunkBytes: Int = 1 << 20) -> [TokenID] {
        let utf8 = text.utf8
        guard utf8.count > chunkBytes, !addedTokens.contains(where: { $0.content.utf8.contains(0x20) }) else {
            return encode(text, addSpecialTokens: false).ids
        }
        var ids: [TokenID] = []
        var start = utf8.startIndex
        while start != utf8.endIndex {
            let end = chunkEnd(utf8, from: start, bytes: chunkBytes)
            ids += encode(String(text[start..<end]), addSpecialTokens: false).ids
            start = end
        }
        return ids
    }

    /// The first safe cut at or before `start + bytes` (else the first after it, else the end).
    private func chunkEnd(_ utf8: String.UTF8View, from start: String.Index, bytes: Int) -> String.Index {
        guard let target = utf8.index(start, offsetBy: bytes, limitedBy: utf8.endIndex), target != utf8.endIndex else {
            return utf8.endIndex
        }
        func printable(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
        func safe(_ i: String.Index) -> Bool {
            guard i > start, utf8[i] == 0x20 else { return false }
            let next = utf8.index(after: i)
            return next != utf8.endIndex && printable(utf8[utf8.index(before: i)]) && printable(utf8[next])
        }
        var cut = target
        while cut > start {
            if safe(cut) { return cut }
            cut = utf8.index(before: cut)
        }
        cut = target
        while cut != utf8.endIndex {
            if safe(cut) { return cut }
            cut = utf8.index(after: cut)
        }
        return utf8.endIndex
    }
}
