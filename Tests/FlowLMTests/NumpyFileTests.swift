import Foundation
import Testing
import FlowLM

@Suite struct NumpyFileTests {
    @Test func headerIsAlignedAndDescribesTheArray() throws {
        let data = NumpyFile.encode([1, -2, 3.5, 0, 5, 6], shape: [2, 3])
        let bytes = [UInt8](data)
        #expect(Array(bytes[0..<6]) == [0x93] + Array("NUMPY".utf8))
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = try #require(String(bytes: bytes[10..<(10 + headerLength)], encoding: .ascii))
        #expect(header.contains("'descr': '<f4'") && header.contains("'shape': (2, 3)") && header.hasSuffix("\n"))
        #expect(bytes.count == 10 + headerLength + 6 * 4)
        let third = data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 10 + headerLength + 8, as: Float.self) }
        #expect(third == 3.5)
    }

    @Test func oneDimensionalShapeHasTrailingComma() {
        let data = NumpyFile.encode([1, 2], shape: [2])
        #expect(String(decoding: data.prefix(80), as: UTF8.self).contains("'shape': (2,)"))
    }
}
