import Foundation

/// One validated corpus file.
public struct CorpusDocument: Sendable, Equatable {
    public var path: String
    public var text: String
}

/// A plain UTF-8 corpus: one file, or every `.txt` file under a folder (recursively), in sorted path
/// order so the same folder always gives the same stream.
public enum TextCorpus {
    public static func load(_ url: URL) throws(DataError) -> [CorpusDocument] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DataError(path: url.path, missingReason(url))
        }
        let files: [URL]
        if isDirectory.boolValue {
            files = textFiles(under: url)
            guard !files.isEmpty else { throw DataError(path: url.path, "folder holds no .txt files") }
        } else {
            files = [url]
        }
        var documents: [CorpusDocument] = []
        for file in files {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: file))
            } catch {
                throw DataError(path: file.path, "cannot read: \((error as NSError).localizedDescription)")
            }
            let text = try decodeUTF8(bytes, path: file.path)
            if !text.allSatisfy(\.isWhitespace) { documents.append(CorpusDocument(path: file.path, text: text)) }
        }
        guard !documents.isEmpty else { throw DataError(path: url.path, "corpus is empty (no text besides whitespace)") }
        return documents
    }

    /// Why a path does not resolve: a dangling link or a loop of links reads as "no such file" to fileExists.
    static func missingReason(_ url: URL) -> String {
        guard (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) != nil else { return "no such file or folder" }
        var target = url
        for _ in 0..<40 {
            guard let next = try? FileManager.default.destinationOfSymbolicLink(atPath: target.path) else {
                return "a symbolic link to \(target.path), which does not exist"
            }
            target = URL(fileURLWithPath: next, relativeTo: target.deletingLastPathComponent()).standardizedFileURL
        }
        return "a loop of symbolic links (it never reaches a file)"
    }

    /// `.txt` files, and `.txt` links that reach a file (a corpus folder of links is common). Links to folders are
    /// not followed, so a link back up the tree cannot loop; a loop of file links never reaches a file and is left out.
    static func textFiles(under folder: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var files: [URL] = []
        for case let file as URL in walker where file.pathExtension == "txt" {
            let target = file.resolvingSymlinksInPath()
            if (try? target.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(file) }
        }
        return files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// Strict UTF-8 decoding; a leading byte-order mark is dropped. The error names the first bad
    /// byte's offset and its 1-based line.
    public static func decodeUTF8(_ bytes: [UInt8], path: String) throws(DataError) -> String {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        if let text = String(validating: bytes[start...], as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes[start...].makeIterator()
        var offset = start
        var line = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded):
                if encoded.count == 1, encoded.first == 0x0A { line += 1 }
                offset += encoded.count
            case .emptyInput:
                return String(decoding: bytes[start...], as: UTF8.self)  // unreachable: the fast path accepted it
            case .error:
                throw DataError(path: path, line: line, byteOffset: offset, "not valid UTF-8 (byte 0x\(String(bytes[offset], radix: 16)))")
            }
        }
    }
}
