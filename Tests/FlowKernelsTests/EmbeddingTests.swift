import Testing
import FlowKernels
import FlowTestSupport

@Suite struct EmbeddingTests {
    @Test(arguments: [true, false])
    func embeddingSumMatchesReference(withTypeRow: Bool) {
        let width = 21, vocabulary = 9, positionCount = 12
        let tokens = randomFloats(vocabulary * width, seed: 40)
        let positions = randomFloats(positionCount * width, seed: 41)
        let typeRow = withTypeRow ? randomFloats(width, seed: 42) : nil
        // RoBERTa-style positions: pad (1) for the padding at the end, counting from 2 before it.
        let ids: [Int32] = [4, 0, 8, 8, 3, 1, 1]
        let positionIDs: [Int32] = [2, 3, 4, 5, 6, 1, 1]
        var out = [Float](repeating: .nan, count: ids.count * width)
        out.withUnsafeMutableBufferPointer { y in
            typeRow.withOptionalPointer { type in
                embeddingSumForward(ids: ids, positionIDs: positionIDs, count: ids.count, tokens: tokens, positions: positions,
                                    typeRow: type, width: width, output: y.baseAddress!)
            }
        }
        let expected = Reference.embeddingSum(ids: ids, positionIDs: positionIDs, tokens: tokens, positions: positions,
                                              typeRow: typeRow, width: width)
        // Same additions in the same order: bit-identical.
        #expect(out == expected)
    }
}

private extension Optional where Wrapped == [Float] {
    func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .none: return body(nil)
        case let .some(array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
