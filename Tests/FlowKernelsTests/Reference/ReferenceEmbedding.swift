@testable import FlowKernels
extension Reference {
    /// `embeddingSumForward`'s twin: one row per token, `(token + type) + position`, element by element.
    public static func embeddingSum(ids: [Int32], positionIDs: [Int32], tokens: [Float], positions: [Float],
                                    typeRow: [Float]?, width: Int) -> [Float] {
        var out: [Float] = []
        for (id, position) in zip(ids, positionIDs) {
            for j in 0..<width {
                var value = tokens[Int(id) * width + j]
                if let typeRow { value += typeRow[j] }
                out.append(value + positions[Int(position) * width + j])
            }
        }
        return out
    }
}
