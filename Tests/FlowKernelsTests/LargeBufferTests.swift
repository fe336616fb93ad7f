import Testing
import FlowKernels

struct LargeBufferTests {
    /// Small buffers on a 64-byte boundary, from 2 MB up on a 2 MB one (what the kernel needs before it backs a
    /// range with huge pages); every byte writable and readable back.
    @Test(arguments: [1, 100, 4096, 2 << 20, (5 << 20) + 12])
    func isAlignedAndWholeForItsSize(byteCount: Int) {
        let buffer = allocateLargeBuffer(byteCount: byteCount)
        defer { releaseLargeBuffer(buffer) }
        let address = UInt(bitPattern: buffer)
        #expect(address % 64 == 0)
        if byteCount >= 2 << 20 { #expect(address % UInt(2 << 20) == 0) }
        let bytes = buffer.bindMemory(to: UInt8.self, capacity: byteCount)
        for i in 0..<byteCount { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        #expect((0..<byteCount).allSatisfy { bytes[$0] == UInt8(truncatingIfNeeded: $0 &* 31) })
    }
}
