/// Copies row `ids[i]` of `table` [vocab, width] to row i of `output`. Ids must already be checked
/// against the vocabulary (the model does, and throws on a bad id).
public func embeddingForward(ids: UnsafePointer<Int32>, count: Int, table: UnsafePointer<Float>, width: Int,
                             output: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        (output + i * width).update(from: table + Int(ids[i]) * width, count: width)
    }
}
