import FlowCore
import FlowModel
import FlowTestSupport
import FlowTrain
import Foundation
import Testing
@testable import FlowLM

@Suite struct TrainRunResumeTests {
    @Test func stoppedAndResumedRunEqualsUninterruptedRunBitForBit() throws {
        let whole = FixturePath.temporaryDirectory("flowlm-whole")
        let split = FixturePath.temporaryDirectory("flowlm-split")
        defer { try? FileManager.default.removeItem(at: whole); try? FileManager.default.removeItem(at: split) }

        let uninterrupted = try TrainRun(options: TinyRun.options(output: whole))
        while !uninterrupted.isFinished { try uninterrupted.advance() }
        try uninterrupted.save()

        // Stop after step 4 (past one evaluation), with a step 5 logged after the save, as a kill would leave it.
        let first = try TrainRun(options: TinyRun.options(output: split))
        for _ in 0..<4 { try first.advance() }
        try first.save()
        try first.advance()
        var options = TinyRun.options(output: split)
        options.resume = true
        let resumed = try TrainRun(options: options)
        #expect(resumed.step == 4)
        while !resumed.isFinished { try resumed.advance() }
        try resumed.save()

        #expect(TinyRun.bits(try TinyRun.savedParameters(split)) == TinyRun.bits(try TinyRun.savedParameters(whole)))
        #expect(TinyRun.bits(resumed.trainable.model.parameters) == TinyRun.bits(uninterrupted.trainable.model.parameters))
        let curve = try TinyRun.lossCurve(whole)
        #expect(curve.count == 6)
        #expect(try TinyRun.lossCurve(split) == curve)
        #expect(try TinyRun.weightsStep(split) == 6)
    }

    @Test func sameSeedGivesTheSameLossCurveAndAnotherSeedDoesNot() throws {
        let a = FixturePath.temporaryDirectory(), b = FixturePath.temporaryDirectory(), c = FixturePath.temporaryDirectory()
        defer { for url in [a, b, c] { try? FileManager.default.removeItem(at: url) } }
        for (url, seed) in [(a, UInt64(3)), (b, 3), (c, 4)] {
            let run = try TrainRun(options: TinyRun.options(output: url, steps: 4, seed: seed))
            while !run.isFinished { try run.advance() }
        }
        let curve = try TinyRun.lossCurve(a)
        #expect(curve.count == 4)
        #expect(try TinyRun.lossCurve(b) == curve)
        #expect(try TinyRun.lossCurve(c) != curve)
    }

    /// A save interrupted after the train state but before the weights file (or the other way round) leaves
    /// model.safetensors from another step; the resume takes the weights saved inside the train state.
    @Test func resumeTakesTheWeightsOfTheTrainStateNotOfAStaleModelFile() throws {
        let out = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try TrainRun(options: TinyRun.options(output: out))
        for _ in 0..<3 { try run.advance() }
        try run.save()
        var stale = run.trainable.model
        stale.parameters = stale.parameters.map { $0 * 0.5 }
        try ModelCheckpoint.write(model: stale, step: 2, dtype: .f32, to: out)
        var options = TinyRun.options(output: out)
        options.resume = true
        let resumed = try TrainRun(options: options)
        #expect(resumed.step == 3)
        #expect(TinyRun.bits(resumed.trainable.model.parameters) == TinyRun.bits(run.trainable.model.parameters))
    }

    /// A shape that cannot fit in memory is refused before anything is allocated, with the estimate named.
    @Test func shapesBeyondTheMachinesMemoryAreRefusedWithTheEstimate() throws {
        var options = TinyRun.options(output: FixturePath.temporaryDirectory())
        options.shape = ModelShapeOverride(hiddenSize: 65536, intermediateSize: 65536, headCount: 512, layerCount: 200)
        let error = #expect(throws: TrainSetupError.self) { try TrainRun(options: options) }
        let message = error?.message ?? ""
        #expect(message.contains("GB to train") && message.contains("this machine has"), "\(message)")
        #expect(TinyRun.options(output: FixturePath.temporaryDirectory()).estimatedTrainingBytes < 1e8)
    }

    @Test func nonFiniteLossStopsWithTheStepNamedAndKeepsTheLastGoodCheckpoint() throws {
        let out = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        var options = TinyRun.options(output: out, steps: 50)
        options.learningRate = 1e10   // the first update blows the weights up; a later loss is not finite
        options.warmupSteps = 0
        options.saveEvery = 1
        var stopped: TrainStopped?
        do {
            _ = try TrainLoop.run(options, output: { _ in })
        } catch let error as TrainStopped {
            stopped = error
        }
        let reason = try #require(stopped).reason
        let savedStep = try #require(try TinyRun.weightsStep(out))
        #expect(reason.contains("training diverged at step \(savedStep + 1)"))
        #expect(reason.contains("is from step \(savedStep)"))
        // The checkpoint left behind is whole, consistent and finite.
        let parameters = try TinyRun.savedParameters(out)
        #expect(parameters.allSatisfy { $0.isFinite })
        let state = try JSONDecoder().decode(TrainState.self, from: Data(contentsOf: out.appendingPathComponent(TrainState.jsonFileName)))
        #expect(state.step == savedStep)
    }
}

@Suite struct TrainRunDataErrorTests {
    private func setupError(corpus bytes: [UInt8]) throws -> (message: String, path: String) {
        let dir = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.txt")
        try Data(bytes).write(to: corpus)
        var thrown: (any Error)?
        do { _ = try TrainRun(options: TinyRun.options(data: corpus.path, output: dir.appendingPathComponent("out"))) } catch { thrown = error }
        let error = try #require(thrown)
        #expect(error is any FlowLMError)
        return ("\(error)", corpus.path)
    }

    @Test func emptyCorpusNamesTheFile() throws {
        let (message, path) = try setupError(corpus: [])
        #expect(message.contains(path))
        #expect(!message.contains("\n"))
    }

    @Test func nonUTF8CorpusNamesTheFile() throws {
        let (message, path) = try setupError(corpus: Array("line one\nline two \u{e9}\n".utf8) + [0xFF, 0xFE, 0x41, 0x0A])
        #expect(message.contains(path))
        #expect(message.lowercased().contains("utf-8"))
        #expect(message.contains("corpus.txt:3 (byte 21)"))   // line 3; "é" is two bytes
    }

    @Test func textCorpusRunResumesBitForBitWithItsOwnTokenizer() throws {
        let dir = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.txt")
        let text = (0..<60).map { "the quick brown fox \($0 % 7) jumps over the lazy dog number \($0 % 5).\n" }.joined()
        try text.write(to: corpus, atomically: true, encoding: .utf8)
        let whole = dir.appendingPathComponent("whole"), split = dir.appendingPathComponent("split")

        let uninterrupted = try TrainRun(options: TinyRun.options(data: corpus.path, output: whole, steps: 4))
        while !uninterrupted.isFinished { try uninterrupted.advance() }
        try uninterrupted.save()
        let first = try TrainRun(options: TinyRun.options(data: corpus.path, output: split, steps: 4))
        for _ in 0..<2 { try first.advance() }
        try first.save()
        var options = TinyRun.options(data: corpus.path, output: split, steps: 4)
        options.resume = true
        let resumed = try TrainRun(options: options)
        while !resumed.isFinished { try resumed.advance() }
        try resumed.save()

        #expect(TinyRun.bits(try TinyRun.savedParameters(split)) == TinyRun.bits(try TinyRun.savedParameters(whole)))
        #expect(try TinyRun.lossCurve(split) == TinyRun.lossCurve(whole))
        let loaded = try LoadedModel(directory: split, threads: 1)
        #expect(loaded.tokenizer.vocabularySize <= 300)
        #expect(try Data(contentsOf: split.appendingPathComponent("tokenizer.json")) == Data(contentsOf: whole.appendingPathComponent("tokenizer.json")))
    }
}
