import FlowCore
import FlowModel
import FlowTestSupport
import FlowTrain
import Foundation
import Testing
@testable import FlowLM

/// The real `flowlm train` binary, interrupted mid-run: it must finish the step, save and exit 128 + signal.
@Suite(.serialized) struct TrainCommandSignalTests {
    static let binary: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }   // Tests/FlowLMTests/Training/<file> → repository root
        return url.appendingPathComponent(".build/debug/flowlm")
    }()

    static var binaryBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary.path) }

    @Test(.enabled(if: binaryBuilt, "needs .build/debug/flowlm (swift build)"), arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalFinishesTheStepSavesAndExits(signal: Int32, expectedStatus: Int32) throws {
        let out = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["train", "--data", "task:palindrome", "--out", out.path, "--steps", "1000000", "--batch", "4",
                             "--length", "24", "--hidden", "16", "--intermediate", "32", "--heads", "2", "--layers", "2",
                             "--threads", "1", "--save-every", "1000000", "--eval-every", "1000000"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until a few steps are logged, so the signal lands mid-training.
        let log = out.appendingPathComponent("train_log.jsonl")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, process.isRunning,
              ((try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 3 {
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(process.isRunning)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == expectedStatus, "stderr: \(stderr)")
        #expect(stderr.contains("stopped by signal \(signal)"))

        // The checkpoint loads, its weights and train state agree, and the run resumes from it.
        let model = try ModelDirectory(out).loadModel()
        #expect(model.parameters.allSatisfy { $0.isFinite })
        let step = try #require(try TinyRun.weightsStep(out))
        let state = try JSONDecoder().decode(TrainState.self, from: Data(contentsOf: out.appendingPathComponent(TrainState.jsonFileName)))
        #expect(state.step == step && step >= 3)
        var options = TinyRun.options(output: out, steps: 1_000_000, seed: 0)
        options.evaluateEvery = 1_000_000
        options.saveEvery = 1_000_000
        options.warmupSteps = 100
        options.resume = true
        #expect(try TrainRun(options: options).step == step)
    }
}
