import FlowCore
import FlowDiffusion
import FlowTestSupport
import FlowTUI
import Foundation
import Testing
@testable import FlowLM

/// A denoiser that always prefers token 4 + position % 6, more surely as the canvas fills.
private final class CountingDenoiser: Denoiser {
    let vocabularySize = 12
    let contextLength = 64
    let specialTokens = SpecialTokens(pad: 0, cls: 1, sep: 2, mask: 3)

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        canvases.map { canvas in
            let visible = canvas.filter { $0 != 3 }.count
            var matrix = LogitMatrix(rows: canvas.count, vocabularySize: vocabularySize)
            for p in canvas.indices {
                matrix[p, 4 + p % 6] = 1 + 0.4 * Float(visible) + 0.1 * Float(p % 3)
                matrix[p, 3] = -1e9
            }
            return matrix
        }
    }
}

@Suite struct TraceFilesTests {
    @Test func savedBranchReplaysAsTheSameFrames() throws {
        let denoiser = CountingDenoiser()
        var knobs = SamplerKnobs()
        knobs.answerLength = 6
        knobs.steps = 3
        let driver = try RefinerDriver.start(prompt: "ab", knobs: knobs, denoiser: denoiser) { _ in [4, 5] }
        var frames = [driver.initialFrame(knobs: knobs)]
        for _ in 0..<3 {
            let request = StepRequest(lane: .main, branchID: 0, from: try #require(frames.last), knobs: knobs,
                                      pinned: [], generation: 1)
            frames.append(try #require(try driver.step(request)))
        }
        let path = FixturePath.temporaryDirectory("tui-trace").appendingPathComponent("t.jsonl").path
        let context = TraceFiles.Context(model: "counting", vocabularySize: 12, specialTokens: denoiser.specialTokens)
        try TraceFiles.save(frames, context: context, to: path)

        let loaded = try TraceFiles.load(path)
        #expect(loaded.prompt == [4, 5])
        #expect(loaded.context.model == "counting")
        #expect(loaded.frames.map(\.tokens) == frames.map(\.tokens))
        #expect(loaded.frames.map(\.changes) == frames.map(\.changes))
        #expect(loaded.frames.map(\.pCurrent) == frames.map(\.pCurrent))
        #expect(loaded.frames.last?.maskCount(mask: 3) == 0)
    }

    @Test func unreadableTraceIsOneLineErrorNamingTheFile() throws {
        let url = FixturePath.temporaryDirectory("tui-trace").appendingPathComponent("bad.jsonl")
        try Data("{\"format\":\"nope\"}\n".utf8).write(to: url)
        do {
            _ = try TraceFiles.load(url.path)
            Issue.record("a bad trace loaded")
        } catch {
            let message = "\(error)"
            #expect(message.contains(url.path) && !message.contains("\n"))
        }
    }
}
