import Foundation
import FlowCore
import FlowKernels
import FlowModel
import FlowTrain

/// bf16 against fp32 on a model directory: the same held-out canvases through both packings of the model, counted
/// at every real position. The canvases are the evaluation's reference examples (a synthetic task's samples, or
/// the held-out windows of a text corpus) with a random share of their answer masked, drawn uniformly per canvas,
/// so the inputs span the noise levels a sampler meets from all-masked to finished.
public struct PrecisionAgreement: Sendable {
    public var directory: URL
    /// The text corpus for a model that is not a synthetic-task model.
    public var corpus: URL?
    public var textLength = 48
    public var samples = 300
    public var batchSize = 32
    public var seed: UInt64 = 0
    public var policy = ComputePolicy.allCores

    public init(directory: URL, corpus: URL?) { self.directory = directory; self.corpus = corpus }

    public struct Result: Sendable {
        public let task: String
        public let agreement: LogitAgreement
        public var json: String {
            JSONValue.object([("task", .string(task))] + agreement.jsonFields).serialized
        }
    }

    public func run() throws -> Result {
        guard InferencePrecision.bf16Supported else { throw FileProblem(directory.path, "this CPU has no AVX-512 BF16") }
        let loaded = try LoadedModel(directory: directory, threads: policy.threads, precision: .fp32)
        let task: EvalTask
        if let defaults = TaskDefaults.of(loaded) {
            task = EvalTask(task: defaults.task)
        } else {
            guard let corpus else { throw FileProblem(directory.path, "not a synthetic-task model: give the text corpus") }
            task = try EvalTask(corpus: corpus, model: loaded, length: textLength)
        }
        let files = try ModelDirectory(directory)
        let fp32 = try files.loadMaskedLanguageModel(precision: .fp32), bf16 = try files.loadMaskedLanguageModel(precision: .bf16)
        var random = FlowRandom(seed: 0xB_F16 &+ seed)
        let canvases = task.items(count: samples, seed: seed).map { item in
            var tokens = item.tokens
            let share = random.nextDouble()
            for position in item.answer where random.nextDouble() < share { tokens[position] = task.specials.mask }
            return tokens
        }
        var agreement = LogitAgreement()
        for start in stride(from: 0, to: canvases.count, by: batchSize) {
            let sequences = Array(canvases[start..<min(start + batchSize, canvases.count)])
            let batch = TokenBatch(sequences: sequences, padID: task.specials.pad)
            let reference = try fp32.copiedLogits(batch, policy: policy).logits
            let other = try bf16.copiedLogits(batch, policy: policy).logits
            let real = sequences.indices.flatMap { b in (0..<sequences[b].count).map { b * batch.length + $0 } }
            reference.withUnsafeBufferPointer { r in
                other.withUnsafeBufferPointer { o in
                    agreement.add(reference: r, other: o, vocabularySize: fp32.vocabularySize, rows: real)
                }
            }
        }
        return Result(task: task.name, agreement: agreement)
    }
}
