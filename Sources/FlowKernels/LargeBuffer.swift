import CVectorMath

/// Memory for packed weights and workspaces: 64-byte aligned, and from 2 MB up backed by huge pages where
/// the kernel grants them (CVectorMath/large_buffer.c says why). Release with `releaseLargeBuffer`.
public func allocateLargeBuffer(byteCount: Int) -> UnsafeMutableRawPointer {
    guard let buffer = flowlm_allocate_buffer(Int64(byteCount)) else {
        fatalError("out of memory allocating \(byteCount) bytes")
    }
    return buffer
}

/// Typed: `count` floats.
public func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
    allocateLargeBuffer(byteCount: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
}

public func releaseLargeBuffer(_ buffer: UnsafeMutableRawPointer) { flowlm_free_buffer(buffer) }
public func releaseLargeBuffer(_ buffer: UnsafeMutablePointer<Float>) { flowlm_free_buffer(buffer) }

/// Gives memory that was freed back to the system (glibc's `malloc_trim`). Freed blocks below glibc's adaptive mmap
/// threshold (up to 32 MB) stay in the heap, still resident: after a loader has converted tensor after tensor into
/// temporary arrays, tens of megabytes of them would otherwise stay in the process's resident set.
public func returnFreedMemory() {
    flowlm_return_freed_memory()
}
