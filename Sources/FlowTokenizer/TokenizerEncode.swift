import FlowCore

extension Tokenizer {
    /// Encodes like HF's `Tokenizer.encode(text, add_special_tokens=...)`.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> Encoding {
        let single = encodeSequence(text)
        guard let postProcessor else { return single }
        return postProcessor.process(single, nil, addSpecialTokens: addSpecialTokens)
    }

    /// Encodes a pair like HF's `encode(a, b)`: the post-processor joins them (with no post-processor, A
    /// then B, B typed 1).
    public func encode(_ first: String, pair second: String, addSpecialTokens: Bool = true) -> Encoding {
        let a = encodeSequence(first), b = encodeSequence(second)
        guard let postProcessor else { return PostProcessor.joined(a, b) }
        return postProcessor.process(a, b, addSpecialTokens: addSpecialTokens)
    }

    /// Added tokens, normalization, pre-tokenization and the model; no post-processing.
    func encodeSequence(_ text: String) -> Encoding {
        let original = Array(text.unicodeScalars)
        var out = Encoding()
        var scratch = EncodeScratch()
        for split in rawMatcher.split(original) {
            switch split {
            case let .token(id, range):
                out.append(id: id, token: string(original[range]), offsets: range)
            case let .text(range):
                var normalized = NormalizedText(original: original, range: range)
                if let normalizer { normalized = normalizer.apply(normalized) }
                let inner = normalizedMatcher.isEmpty ? [.text(0..<normalized.count)] : normalizedMatcher.split(normalized.scalars)
                for part in inner {
                    switch part {
                    case let .token(id, r):
                        out.append(id: id, token: string(normalized.scalars[r]), offsets: normalized.originalRange(r))
                    case let .text(r):
                        let piece = r.count == normalized.count ? normalized : normalized.slice(r)
                        encodePiece(piece, into: &out, scratch: &scratch)
                    }
                }
            }
        }
        return out
    }

    private func encodePiece(_ text: NormalizedText, into out: inout Encoding, scratch: inout EncodeScratch) {
        switch model {
        case let .byteLevelBPE(bpe, preTokenizer):
            preTokenizer.apply(text) { piece, range in
                scratch.bytes.removeAll(keepingCapacity: true)
                scratch.byteScalar.removeAll(keepingCapacity: true)
                for k in range { scratch.appendUTF8(piece.scalars[k], scalarIndex: Int32(k)) }
                let word = scratch.bytes.withUnsafeBufferPointer { bpe.tokenize(bytes: $0) }
                for token in word {
                    let id = token.id
                    let first = Int(scratch.byteScalar[Int(token.start)])
                    let last = Int(scratch.byteScalar[Int(token.end) - 1])
                    out.append(id: id, token: modelTokens[Int(id)] ?? "", offsets: piece.start(first)..<max(piece.start(first), piece.end(last)))
                }
            }
        case let .wordPiece(wordPiece, preTokenizer):
            preTokenizer.apply(text) { piece, range in
                for token in wordPiece.tokenize(piece.scalars[range]) {
                    let pieceRange = (range.lowerBound + token.start)..<(range.lowerBound + token.end)
                    out.append(id: token.id, token: modelTokens[Int(token.id)] ?? "", offsets: piece.originalRange(pieceRange))
                }
            }
        }
    }

    private func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

/// Buffers reused across the pre-tokens of one encode call.
struct EncodeScratch {
    var bytes: [UInt8] = []
    var byteScalar: [Int32] = []

    @inline(__always)
    mutating func appendUTF8(_ scalar: Unicode.Scalar, scalarIndex: Int32) {
        let v = scalar.value
        if v < 0x80 {
            bytes.append(UInt8(v))
            byteScalar.append(scalarIndex)
            return
        }
        if v < 0x800 {
            bytes.append(0xC0 | UInt8(v >> 6))
        } else if v < 0x10000 {
            bytes.append(0xE0 | UInt8(v >> 12))
            bytes.append(0x80 | UInt8((v >> 6) & 0x3F))
        } else {
            bytes.append(0xF0 | UInt8(v >> 18))
            bytes.append(0x80 | UInt8((v >> 12) & 0x3F))
            bytes.append(0x80 | UInt8((v >> 6) & 0x3F))
        }
        bytes.append(0x80 | UInt8(v & 0x3F))
        while byteScalar.count < bytes.count { byteScalar.append(scalarIndex) }
    }
}
