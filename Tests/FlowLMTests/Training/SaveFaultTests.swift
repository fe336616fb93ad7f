import FlowCore
import FlowModel
import FlowTestSupport
import FlowTrain
import Foundation
import Testing
@testable import FlowLM

/// A full disk while saving: the run stops with exit code 74 and a line naming the file, no temporary file is
/// left, the folder still loads, and `--resume` continues from the last complete checkpoint to the same weights
/// as an uninterrupted run.
@Suite struct SaveFaultTests {
    /// Each checkpoint file, with the step a resume continues from when writing it fails at step 4: the train
    /// state file is the commit point, so failures before it keep step 2 and failures after it keep step 4.
    static let cases: [(String, Int)] = [
        ("config.json", 2), ("model.safetensors", 2), ("tokenizer.json", 2), ("train_state.safetensors", 2),
        ("train_state.json", 4), ("README.md", 4),
    ]

    static func options(_ out: URL, steps: Int, resume: Bool) -> TrainOptions {
        var options = TinyRun.options(output: out, steps: steps)
        options.saveEvery = 2
        options.resume = resume
        return options
    }

    @Test(arguments: cases)
    func fullDiskStopsCleanlyAndTheRunResumes(file: String, resumesFrom: Int) throws {
        let out = FixturePath.temporaryDirectory("flowlm-enospc")
        let whole = FixturePath.temporaryDirectory("flowlm-enospc-whole")
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: whole) }
        let first = try TrainRun(options: Self.options(out, steps: 6, resume: false))
        for _ in 0..<2 { try first.advance() }
        try first.save()

        WriteFaults.inject(.init(errno: ENOSPC, afterBytes: 17, fileName: file), under: out)
        var log = ""
        let code = try TrainLoop.run(Self.options(out, steps: 6, resume: true), output: { log += $0 })
        WriteFaults.clear(under: out)
        #expect(code == TrainLoop.saveFailedExitCode)
        #expect(log.contains(out.appendingPathComponent(file).path) && log.contains("No space left on device"), "\(log)")
        #expect(log.contains("still the one of step \(resumesFrom)"), "\(log)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        _ = try ModelSummary(directory: out)

        let resumed = try TrainRun(options: Self.options(out, steps: 6, resume: true))
        #expect(resumed.step == resumesFrom)
        while !resumed.isFinished { try resumed.advance() }
        let uninterrupted = try TrainRun(options: Self.options(whole, steps: 6, resume: false))
        while !uninterrupted.isFinished { try uninterrupted.advance() }
        #expect(TinyRun.bits(resumed.trainable.model.parameters) == TinyRun.bits(uninterrupted.trainable.model.parameters))
    }

    @Test func aKilledWritersTemporaryFilesAreRemovedOnTheNextStart() throws {
        let out = FixturePath.temporaryDirectory("flowlm-stale")
        defer { try? FileManager.default.removeItem(at: out) }
        // PID 2^22 + 1 is above Linux's pid_max default: no such process.
        let stale = out.appendingPathComponent(".model.safetensors.tmp-4194305")
        let mine = out.appendingPathComponent(".model.safetensors.tmp-\(getpid())")
        try Data([1, 2, 3]).write(to: stale)
        try Data([1, 2, 3]).write(to: mine)
        _ = try TrainRun(options: Self.options(out, steps: 2, resume: false))
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        #expect(FileManager.default.fileExists(atPath: mine.path))
    }

    @Test func aFailedWriteKeepsTheOldFileAndFaultsStayInTheirFolder() throws {
        let faulty = FixturePath.temporaryDirectory("flowlm-faulty"), fine = FixturePath.temporaryDirectory("flowlm-fine")
        defer { try? FileManager.default.removeItem(at: faulty); try? FileManager.default.removeItem(at: fine) }
        let target = faulty.appendingPathComponent("a.txt")
        try AtomicFile.write("old", to: target)
        WriteFaults.inject(.init(errno: EIO, afterBytes: 1), under: faulty)
        defer { WriteFaults.clear(under: faulty) }
        let error = #expect(throws: FileProblem.self) { try AtomicFile.write("new contents", to: target) }
        #expect(error?.description.contains(target.path) == true && error?.description.contains("Input/output error") == true)
        #expect(try String(contentsOf: target, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: faulty.path) == ["a.txt"])
        try AtomicFile.write("ok", to: fine.appendingPathComponent("a.txt"))
    }
}
