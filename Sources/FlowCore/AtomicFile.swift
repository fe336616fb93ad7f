import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that a crash at any moment leaves either the old file or the new one, never half of
/// one: write a temporary file in the same folder, fsync it, rename it over the target, fsync the folder.
/// A failed write (a full disk, a read-only folder) removes its temporary file and throws an error naming the
/// target; the old file is untouched.
public enum AtomicFile {
    /// The temporary files' names: `.<name>.tmp-<pid>`.
    static let temporaryMarker = ".tmp-"

    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent)\(temporaryMarker)\(getpid())")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileProblem(url.path, "cannot create temporary file: \(errnoText())") }
        let fault = WriteFaults.fault(for: url.path)
        var ok = true
        data.withUnsafeBytes { raw in
            var offset = 0
            let end = fault.map { min($0.afterBytes, raw.count) } ?? raw.count
            while offset < end {
                let n = Foundation.write(fd, raw.baseAddress! + offset, end - offset)
                if n <= 0 { if errno == EINTR { continue }; ok = false; return }
                offset += n
            }
            if let fault { errno = fault.errno; ok = false }
        }
        if ok && fsync(fd) != 0 { ok = false }
        let err = errnoText()
        close(fd)
        guard ok else {
            unlink(tmp.path)
            throw FileProblem(url.path, "write failed: \(err)")
        }
        guard rename(tmp.path, url.path) == 0 else {
            let e = errnoText()
            unlink(tmp.path)
            throw FileProblem(url.path, "rename failed: \(e)")
        }
        let dfd = open(dir.path, O_RDONLY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Deletes temporary files in `folder` left by processes that no longer run (a kill during a write), and
    /// returns their names. Files of live processes, this one included, are left alone.
    @discardableResult
    public static func removeStaleTemporaries(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var removed: [String] = []
        for name in names where name.hasPrefix(".") {
            guard let marker = name.range(of: temporaryMarker, options: .backwards),
                  let pid = Int32(name[marker.upperBound...]), pid > 0 else { continue }
            let alive = pid == getpid() || kill(pid, 0) == 0 || errno == EPERM
            if !alive, (try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))) != nil {
                removed.append(name)
            }
        }
        return removed
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// Injected write failures, for tests of what a full disk does: a write to a file under a registered folder
/// stops after `afterBytes` bytes with `errno`. Nothing is registered outside tests.
public enum WriteFaults {
    public struct Fault: Sendable {
        public var errno: Int32
        public var afterBytes: Int
        /// Only files with this name (nil: every file under the folder).
        public var fileName: String?
        public init(errno: Int32 = ENOSPC, afterBytes: Int = 0, fileName: String? = nil) {
            self.errno = errno; self.afterBytes = afterBytes; self.fileName = fileName
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var faults: [String: Fault] = [:]

    public static func inject(_ fault: Fault, under folder: URL) {
        lock.withLock { faults[folder.standardizedFileURL.path + "/"] = fault }
    }

    public static func clear(under folder: URL) {
        lock.withLock { _ = faults.removeValue(forKey: folder.standardizedFileURL.path + "/") }
    }

    static func fault(for path: String) -> Fault? {
        lock.withLock {
            guard !faults.isEmpty else { return nil }
            let target = URL(fileURLWithPath: path).standardizedFileURL
            for (folder, fault) in faults where target.path.hasPrefix(folder) {
                if fault.fileName == nil || fault.fileName == target.lastPathComponent { return fault }
            }
            return nil
        }
    }
}
