import FlowCore
import FlowTestSupport
import Foundation
import Testing
@testable import FlowDiffusion

@Suite struct TraceTests {
    /// A FlowLM run with sampled proposals, edits, a hole and a branch-free path.
    private func recordedTrace(seed: UInt64, denoiserSeed: UInt64 = 8) throws -> Trace {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: denoiserSeed, vocabularySize: 32))
        let canvas = try Canvas.generation(prompt: [.tokens([4, 5]), .holes(2)], answerLength: 10, specialTokens: testSpecials)
        let settings = knobs(.flowlm, steps: 6, length: 10) {
            $0.proposal = .sample; $0.seed = seed; $0.tauEdit = 0.1; $0.delta = 0; $0.editGate = 0; $0.temperature = 0.7
        }
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: settings)
        _ = try refiner.run()
        return refiner.trace(model: "fake \"quoted\"")
    }

    @Test func sameSeedGivesByteIdenticalTraces() throws {
        let a = TraceWriter.document(try recordedTrace(seed: 42))
        let b = TraceWriter.document(try recordedTrace(seed: 42))
        #expect(a == b)
        #expect(a != TraceWriter.document(try recordedTrace(seed: 43)))
    }

    @Test func roundTripRebuildsEveryStepExactly() throws {
        let trace = try recordedTrace(seed: 1)
        #expect(trace.steps.contains { !$0.step.changes(of: .edit).isEmpty })
        let text = TraceWriter.document(trace)
        let read = try TraceReader.parse(Array(text.utf8), path: "run.jsonl")
        #expect(read == trace)
        #expect(TraceWriter.document(read) == text)
    }

    @Test func fileRoundTrip() throws {
        let trace = try recordedTrace(seed: 2)
        let url = FixturePath.temporaryDirectory("trace").appendingPathComponent("run.jsonl")
        try TraceWriter.write(trace, to: url)
        #expect(try TraceReader.read(contentsOf: url) == trace)
    }

    @Test func aReplannedStepRecordsItsOwnKnobs() throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 3, vocabularySize: 32))
        let refiner = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 6), knobs: knobs(steps: 3, length: 6))
        try refiner.step()
        var other = refiner.knobs
        other.temperature = 2
        try refiner.step()
        try refiner.replan(knobs: other)
        let trace = refiner.trace(model: "fake")
        let read = try TraceReader.parse(Array(TraceWriter.document(trace).utf8), path: "t.jsonl")
        #expect(read.steps.map(\.knobs.temperature) == [1, 2])
    }

    private func lines(_ trace: Trace) -> [String] {
        TraceWriter.document(trace).split(separator: "\n").map(String.init)
    }

    private func readError(_ text: String) -> String? {
        do { _ = try TraceReader.parse(Array(text.utf8), path: "bad.jsonl"); return nil } catch { return error.description }
    }

    @Test func truncatedTraceNamesTheLine() throws {
        let text = TraceWriter.document(try recordedTrace(seed: 4))
        let cut = String(text.prefix(text.count - 40))
        let lineCount = cut.split(separator: "\n", omittingEmptySubsequences: false).count
        let message = try #require(readError(cut))
        #expect(message.hasPrefix("bad.jsonl:\(lineCount): "))
        // Cut exactly before the final newline: still reported as truncated.
        #expect(readError(String(text.dropLast()))?.contains("truncated") == true)
    }

    @Test(arguments: [
        ("\"format\":\"flowlm-trace\"", "\"format\":\"other\"", 1, "not a FlowLM trace"),
        ("\"version\":1", "\"version\":9", 1, "unsupported trace version 9"),
        ("\"tau_edit\":0.1", "\"tau_edit\":1.5", 1, "tau_edit 1.5 is outside [0, 1]"),
    ])
    func headerProblemsNameLineOne(original: String, replacement: String, line: Int, expected: String) throws {
        var all = lines(try recordedTrace(seed: 5))
        #expect(all[0].contains(original))
        all[0] = all[0].replacingOccurrences(of: original, with: replacement)
        let message = try #require(readError(all.joined(separator: "\n") + "\n"))
        #expect(message.hasPrefix("bad.jsonl:\(line): "))
        #expect(message.contains(expected))
    }

    @Test func corruptedStepsNameTheirLine() throws {
        let all = lines(try recordedTrace(seed: 6))
        // A step line swapped with its successor: numbering and continuity break on line 3.
        var swapped = all
        swapped.swapAt(2, 3)
        #expect(readError(swapped.joined(separator: "\n") + "\n")?.hasPrefix("bad.jsonl:3: step 2 where step 1") == true)
        // A token changed in "after" without a recorded change.
        var tampered = all
        let step = try #require(tampered[1].range(of: "\"after\":["))
        let rest = tampered[1][step.upperBound...]
        let firstID = rest.prefix { $0 != "," }
        tampered[1].replaceSubrange(step.upperBound..<rest.index(rest.startIndex, offsetBy: firstID.count), with: "9")
        #expect(readError(tampered.joined(separator: "\n") + "\n")?.hasPrefix("bad.jsonl:2: ") == true)
        // Garbage in the middle of a line.
        var garbled = all
        garbled[2] = String(garbled[2].prefix(30)) + "}"
        #expect(readError(garbled.joined(separator: "\n") + "\n")?.hasPrefix("bad.jsonl:3: ") == true)
        #expect(readError("")?.contains("empty") == true)
    }

    @Test func missingFileIsAOneLineError() {
        #expect(throws: DiffusionError.self) {
            try TraceReader.read(contentsOf: URL(fileURLWithPath: "/nonexistent/run.jsonl"))
        }
    }
}
