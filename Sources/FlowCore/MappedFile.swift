import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file mapped read-only into memory, as `Data` without a copy, with a way to give back the pages of a range
/// once it has been read. Pages of a file mapping count in the process's resident set while they stay mapped: a
/// model loaded from a float32 file would otherwise hold the whole file in its RSS beside its own weights until
/// the file is closed.
public final class MappedFile: @unchecked Sendable {
    public let data: Data
    private let base: UnsafeMutableRawPointer?
    private let size: Int

    public init(contentsOf url: URL) throws {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw FileProblem(url.path, "cannot read: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw FileProblem(url.path, "cannot read: \(String(cString: strerror(errno)))") }
        size = Int(status.st_size)
        guard size > 0 else { base = nil; data = Data(); return }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw FileProblem(url.path, "cannot map: \(String(cString: strerror(errno)))")
        }
        base = mapped
        data = Data(bytesNoCopy: mapped, count: size, deallocator: .none)
    }

    deinit { if let base { munmap(base, size) } }

    /// Drops the pages that lie wholly inside `range` (byte offsets into the file) from the resident set. Reading
    /// them again is still correct: the kernel maps them back from the file.
    public func releasePages(_ range: Range<Int>) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page, end = min(range.upperBound, size) / page * page
        guard end > start else { return }
        _ = madvise(base + start, end - start, MADV_DONTNEED)
    }
}
