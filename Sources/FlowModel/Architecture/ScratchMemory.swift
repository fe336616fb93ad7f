import FlowKernels

/// The memory a workspace carves its Float buffers from: one 64-byte-aligned allocation, grown only when a larger
/// batch arrives, so a forward or backward pass allocates nothing per token. Not thread-safe: it belongs to one
/// workspace, and a workspace to one caller at a time.
final class ScratchMemory {
    private var storage: UnsafeMutableRawPointer?
    private var capacityBytes = 0

    init() {}

    deinit { storage.map(releaseLargeBuffer) }

    /// Lays buffers out with `carve`, twice: first over no memory, only to count the bytes, then (the allocation
    /// grown if it needs more room) over the memory itself. Returns what the second pass carved.
    func layOut<Buffers>(_ carve: (inout BufferCarver) -> Buffers) -> Buffers {
        var sizing = BufferCarver(base: nil)
        _ = carve(&sizing)
        if sizing.byteCount > capacityBytes {
            storage.map(releaseLargeBuffer)
            storage = allocateLargeBuffer(byteCount: sizing.byteCount)
            capacityBytes = sizing.byteCount
        }
        var carver = BufferCarver(base: storage)
        return carve(&carver)
    }
}

/// Hands out consecutive Float buffers from `base`, each padded to a multiple of 16 floats (64 bytes) so every
/// buffer starts aligned. Without a base it only counts: the pointers it returns then must not be used.
struct BufferCarver {
    let base: UnsafeMutableRawPointer?
    private(set) var byteCount = 0

    /// `count` floats (room for one at least, so that no two buffers share an address).
    mutating func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let start = byteCount
        byteCount += (max(count, 1) + 15) / 16 * 16 * MemoryLayout<Float>.size
        return (base ?? UnsafeMutableRawPointer(bitPattern: 64)!).advanced(by: start).assumingMemoryBound(to: Float.self)
    }
}
