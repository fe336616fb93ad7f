import Foundation
import Testing
import FlowCore
import FlowTestSupport
@testable import FlowTrain

struct TextCorpusTests {
    @Test func folderIsReadInSortedPathOrder() throws {
        let dir = FixturePath.temporaryDirectory()
        _ = writeFile("second", "b.txt", in: dir)
        _ = writeFile("first", "a.txt", in: dir)
        _ = writeFile("nested", "c/z.txt", in: dir)
        _ = writeFile("ignored", "notes.md", in: dir)
        let docs = try TextCorpus.load(dir)
        #expect(docs.map(\.text) == ["first", "second", "nested"])
    }

    @Test func singleFileWithByteOrderMark() throws {
        let dir = FixturePath.temporaryDirectory()
        let url = writeBytes([0xEF, 0xBB, 0xBF] + Array("héllo\n".utf8), "one.txt", in: dir)
        #expect(try TextCorpus.load(url).map(\.text) == ["héllo\n"])
    }

    @Test func emptyCorpusIsAnError() throws {
        let dir = FixturePath.temporaryDirectory()
        #expect(throws: DataError.self) { try TextCorpus.load(dir) }
        _ = writeFile(" \n\t\n", "blank.txt", in: dir)
        let error = try #require(throws: DataError.self) { try TextCorpus.load(dir) }
        #expect(error.description.contains("empty"))
        let missing = try #require(throws: DataError.self) { try TextCorpus.load(dir.appendingPathComponent("nope.txt")) }
        #expect(missing.description.contains("nope.txt"))
    }

    @Test func invalidUTF8NamesFileLineAndOffset() throws {
        let dir = FixturePath.temporaryDirectory()
        _ = writeFile("fine\n", "a.txt", in: dir)
        let bytes = Array("line one\nline two é\nthird ".utf8) + [0xC3, 0x28] + Array(" rest\n".utf8)
        let bad = writeBytes(bytes, "b.txt", in: dir)
        let error = try #require(throws: DataError.self) { try TextCorpus.load(dir) }
        #expect(error.path == bad.path)
        #expect(error.line == 3)
        #expect(error.byteOffset == Array("line one\nline two é\nthird ".utf8).count)
        #expect(error.description.contains("b.txt:3") && error.description.contains("UTF-8"))
        // A truncated sequence at the very end, and a lone continuation byte at the start.
        #expect(throws: DataError.self) { try TextCorpus.decodeUTF8([0x61, 0xE2, 0x82], path: "x") }
        let lone = try #require(throws: DataError.self) { try TextCorpus.decodeUTF8([0x80, 0x61], path: "x") }
        #expect(lone.byteOffset == 0 && lone.line == 1)
    }

    @Test func danglingLinksAndLinkLoopsSayWhatTheyAre() throws {
        let dir = FixturePath.temporaryDirectory()
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        try FileManager.default.createSymbolicLink(atPath: a.path, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: b.path, withDestinationPath: "a")
        let loop = try #require(throws: DataError.self) { try TextCorpus.load(a) }
        #expect(loop.description.contains("loop of symbolic links"))
        let dangling = dir.appendingPathComponent("dangling")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: "gone.txt")
        let error = try #require(throws: DataError.self) { try TextCorpus.load(dangling) }
        #expect(error.description.contains("symbolic link to") && error.description.contains("gone.txt"))
    }

    @Test func aFolderReadsLinksToFilesAndSkipsLoopsAndLinksToFolders() throws {
        let dir = FixturePath.temporaryDirectory(), elsewhere = FixturePath.temporaryDirectory()
        let real = writeFile("to be, or not to be\n", "hamlet.txt", in: elsewhere)
        let corpus = dir.appendingPathComponent("corpus")
        try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: corpus.appendingPathComponent("linked.txt").path,
                                                   withDestinationPath: real.path)
        try FileManager.default.createSymbolicLink(atPath: corpus.appendingPathComponent("a.txt").path, withDestinationPath: "b.txt")
        try FileManager.default.createSymbolicLink(atPath: corpus.appendingPathComponent("b.txt").path, withDestinationPath: "a.txt")
        try FileManager.default.createSymbolicLink(atPath: corpus.appendingPathComponent("up").path, withDestinationPath: "..")
        let documents = try TextCorpus.load(corpus)
        #expect(documents.map(\.text) == ["to be, or not to be\n"])
        #expect(documents.first?.path.hasSuffix("corpus/linked.txt") == true, "named by the link the user put there")
    }
}
