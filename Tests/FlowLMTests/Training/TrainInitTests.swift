import FlowCore
import FlowModel
import FlowTestSupport
import FlowTokenizer
import FlowTrain
import Foundation
import Testing
@testable import FlowLM

/// `flowlm train --init DIR`: fine-tuning starts from an existing ModernBERT folder's weights, tokenizer and shape.
@Suite struct TrainInitTests {
    static let corpus = (0..<40).map { "line \($0): to be, or not to be, that is the question; whether tis nobler in the mind" }
        .joined(separator: "\n")

    /// A ModernBERT folder shaped like the HF-written `nobias` fixture (its config has no mask_token_id) but
    /// with room for a byte-level vocabulary (320), randomly initialised, with a BPE tokenizer trained here;
    /// plus a text corpus.
    static func setUp() throws -> (model: URL, corpus: URL, root: URL) {
        let root = FixturePath.temporaryDirectory("flowlm-init")
        let model = root.appendingPathComponent("base")
        var config = try ModernBertConfig.load(from: FixturePath.url("model/nobias/config.json"))
        config.vocabularySize = 320
        try ModernBertModel.randomlyInitialized(config: config, seed: 3).save(to: model)
        let tokenizer = try BPETrainer(vocabularySize: 300).train(texts: [corpus])
        try tokenizer.jsonData().write(to: model.appendingPathComponent("tokenizer.json"))
        let corpusURL = root.appendingPathComponent("corpus.txt")
        try corpus.write(to: corpusURL, atomically: true, encoding: .utf8)
        return (model, corpusURL, root)
    }

    static func options(model: URL, corpus: URL, output: URL) -> TrainOptions {
        var options = TrainOptions(data: corpus.path, output: output)
        options.initialModel = model
        options.steps = 2
        options.batchSize = 2
        options.length = 24
        options.threads = 1
        options.evaluateEvery = 1
        return options
    }

    @Test func startsFromTheFoldersWeightsTokenizerAndShape() throws {
        let (model, corpus, root) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("tuned")
        var options = Self.options(model: model, corpus: corpus, output: output)
        // A learning rate far below float resolution: the two steps run, and the weights cannot move.
        options.learningRate = 1e-30
        let run = try TrainRun(options: options)
        try run.advance(); try run.advance()
        try run.save()
        let base = try ModelDirectory(model).loadModel(), tuned = try ModelDirectory(output).loadModel()
        // (Zero-valued biases do move, by about 1e-30.)
        #expect(tuned.parameters.count == base.parameters.count)
        let moved = maxAbsDifference(tuned.parameters, base.parameters)
        #expect(moved < 1e-20, "weights moved by \(moved)")
        #expect(tuned.config.hiddenSize == base.config.hiddenSize && tuned.config.layerKinds == base.config.layerKinds)
        #expect(try Data(contentsOf: output.appendingPathComponent("tokenizer.json"))
            == Data(contentsOf: model.appendingPathComponent("tokenizer.json")))
        // The tokenizer's [MASK] is resolved and written into the new config, so the result stands alone.
        let tokenizer = try Tokenizer.load(from: model.appendingPathComponent("tokenizer.json"))
        #expect(tuned.config.specialTokens.mask == tokenizer.id(for: "[MASK]"))
        #expect(try LoadedModel(directory: output, threads: 1).denoiser.specialTokens.mask == tokenizer.id(for: "[MASK]"))
    }

    @Test func trainingMovesTheWeightsAndLowersTheLoss() throws {
        let (model, corpus, root) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: root) }
        var options = Self.options(model: model, corpus: corpus, output: root.appendingPathComponent("tuned"))
        options.steps = 12
        options.learningRate = 3e-3
        options.warmupSteps = 1
        options.objective = .llada
        let run = try TrainRun(options: options)
        let before = try #require(try run.session.evaluate().meanLoss(.masked))
        for _ in 0..<12 { try run.advance() }
        let after = try #require(try run.session.evaluate().meanLoss(.masked))
        #expect(maxAbsDifference(run.trainable.model.parameters, try ModelDirectory(model).loadModel().parameters) > 1e-4)
        #expect(after < before - 0.1, "validation masked loss \(before) → \(after)")
    }

    @Test func refusesWhatWouldContradictTheInitialModel() throws {
        let (model, corpus, root) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: root) }
        let output = root.appendingPathComponent("tuned")
        var shaped = Self.options(model: model, corpus: corpus, output: output)
        shaped.shape.hiddenSize = 32
        #expect(throws: TrainSetupError.self) { try TrainRun(options: shaped) }
        var task = Self.options(model: model, corpus: corpus, output: output)
        task.data = "task:palindrome"
        #expect(throws: TrainSetupError.self) { try TrainRun(options: task) }
        #expect((try? TrainRun(options: task)) == nil, "a text model cannot start training on a task's vocabulary")
        var long = Self.options(model: model, corpus: corpus, output: output)
        long.length = 9000
        let error = #expect(throws: TrainSetupError.self) { try TrainRun(options: long) }
        #expect(error?.message.contains("8192") == true)
    }
}

/// `--init` on task data: a model trained on the task (e.g. mask-only) continues on it (e.g. with corruption and
/// correction, the two-stage recipe); a model of another task is refused.
@Suite struct TrainInitOnTaskTests {
    @Test func aTaskModelContinuesOnItsOwnTaskOnly() throws {
        let root = FixturePath.temporaryDirectory("flowlm-init-task")
        defer { try? FileManager.default.removeItem(at: root) }
        var first = TrainOptions(data: "task:palindrome", output: root.appendingPathComponent("llada"))
        first.objective = .llada
        first.shape.hiddenSize = 16; first.shape.intermediateSize = 32; first.shape.headCount = 2; first.shape.layerCount = 1
        first.steps = 2; first.batchSize = 4; first.length = 18; first.threads = 1; first.evaluateEvery = 2
        let base = try TrainRun(options: first)
        try base.advance(); try base.advance(); try base.save()

        var second = TrainOptions(data: "task:palindrome", output: root.appendingPathComponent("flowlm"))
        second.initialModel = first.output
        second.objective = .flowlm
        second.steps = 2; second.batchSize = 4; second.length = 18; second.threads = 1; second.evaluateEvery = 2
        let tuned = try TrainRun(options: second)
        #expect(tuned.config.hiddenSize == 16)
        try tuned.advance()
        #expect(tuned.step == 1)

        var other = second
        other.data = "task:addition"
        other.length = 16
        let error = #expect(throws: TrainSetupError.self) { try TrainRun(options: other) }
        #expect(error?.message.contains("needs a model trained on that task") == true)
    }
}

/// `--evaluated-length-only`: palindromes and brackets train only at the length `flowlm eval` uses.
@Suite struct EvaluatedLengthOnlyTests {
    @Test(arguments: ["task:palindrome", "task:dyck"])
    func everyExampleHasTheEvaluatedLength(data: String) throws {
        let out = FixturePath.temporaryDirectory("flowlm-eval-length")
        defer { try? FileManager.default.removeItem(at: out) }
        var options = TinyRun.options(data: data, output: out, steps: 2)
        options.evaluatedLengthOnly = true
        let run = try TrainRun(options: options)
        #expect(run.dataSummary.contains("evaluated length only"))
        var batcher = run.session.batcher
        let lengths = Set(batcher.nextBatch().lengths)
        #expect(lengths == [18], "\(data): [CLS] + 16 + [SEP]")
        var mixed = TinyRun.options(data: data, output: FixturePath.temporaryDirectory("flowlm-mixed"), steps: 2)
        mixed.batchSize = 32
        var mixedBatcher = try TrainRun(options: mixed).session.batcher
        let varied = Set(mixedBatcher.nextBatch().lengths)
        #expect(varied.count > 1)
    }
}
