/// Backward of `embeddingForward`: `tableGradient[ids[i]] += outputGradient[i]`, except for
/// `skipping` (PyTorch's `padding_idx`: that row receives no gradient from the lookup).
public func embeddingBackward(ids: UnsafePointer<Int32>, count: Int, outputGradient: UnsafePointer<Float>, width: Int,
                              tableGradient: UnsafeMutablePointer<Float>, skipping paddingID: Int32?) {
    let lanes = FloatVector.scalarCount
    for i in 0..<count where ids[i] != paddingID {
        let row = tableGradient + Int(ids[i]) * width, g = outputGradient + i * width
        var j = 0
        while j + lanes <= width { storeVector(loadVector(row + j) + loadVector(g + j), row + j); j += lanes }
        while j < width { row[j] += g[j]; j += 1 }
    }
}
