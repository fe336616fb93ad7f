/// Copies row `ids[i]` of `table` [vocab, width] to row i of `output`. Ids must already be checked
/// against the vocabulary (the model does, and throws on a bad id).
public func embeddingForward(ids: UnsafePointer<Int32>, count: Int, table: UnsafePointer<Float>, width: Int,
                             output: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        (output + i * width).update(from: table + Int(ids[i]) * width, count: width)
    }
}

/// Absolute-position embeddings as BERT-family models sum them: row i of `output` is
/// `(tokens[ids[i]] + typeRow) + positions[positionIDs[i]]`, in that order (HF's), `typeRow` (one token-type
/// row, [width]) left out when nil. Ids and positions must already be checked against their tables.
public func embeddingSumForward(ids: UnsafePointer<Int32>, positionIDs: UnsafePointer<Int32>, count: Int,
                                tokens: UnsafePointer<Float>, positions: UnsafePointer<Float>,
                                typeRow: UnsafePointer<Float>?, width: Int, output: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        let y = output + i * width, token = tokens + Int(ids[i]) * width, position = positions + Int(positionIDs[i]) * width
        if let typeRow {
            addForward(token, typeRow, output: y, count: width)
            addForward(y, position, output: y, count: width)
        } else {
            addForward(token, position, output: y, count: width)
        }
    }
}

/// `embeddingSumForward` with each token's word row already in row i of `output` (gathered from a packed table):
/// adds `typeRow` and then the position row in place, the same sums in the same order.
public func embeddingSumInPlace(positionIDs: UnsafePointer<Int32>, count: Int, positions: UnsafePointer<Float>,
                                typeRow: UnsafePointer<Float>?, width: Int, output: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        let y = output + i * width
        if let typeRow { addForward(y, typeRow, output: y, count: width) }
        addForward(y, positions + Int(positionIDs[i]) * width, output: y, count: width)
    }
}
