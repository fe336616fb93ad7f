import Foundation
import FlowCore
import FlowKernels
import FlowModel
import FlowTokenizer
import FlowTrain

/// One training run, set up from `TrainOptions` and advanced one optimiser step at a time: by the
/// `flowlm train` loop and by the TUI's train screen. Checkpoints are HF model directories.
public final class TrainRun {
    public let options: TrainOptions
    public let trainable: TrainableModernBert
    public let session: TrainingSession<TrainableModernBert>
    public let dataSummary: String
    public let tokenizerJSON: Data
    public private(set) var lastReport: StepReport?
    public private(set) var lastValidation: KindMetrics?
    /// The run's reserved ids (from the task's vocabulary or the tokenizer).
    public let specials: SpecialTokens
    /// What the train screen refines with the current weights to show progress.
    public let sample: SampleSetup
    private let log: TrainingLogWriter
    private let started = Date()

    public var step: Int { session.step }
    public var isFinished: Bool { session.step >= options.steps }
    public var config: ModernBertConfig { trainable.model.config }

    public init(options: TrainOptions) throws {
        try options.validate()
        self.options = options
        let fm = FileManager.default
        try fm.createDirectory(at: options.output, withIntermediateDirectories: true)
        // A run killed while writing leaves temporary files that would otherwise pile up, one per kill.
        AtomicFile.removeStaleTemporaries(in: options.output)
        let vocabulary = TrainRun.syntheticVocabulary(options.data)

        // Tokenizer: the resumed run's, the initial model's, a given file, the task's symbols, or BPE trained on
        // the corpus.
        let tokenizerURL = options.output.appendingPathComponent(ModelDirectory.tokenizerName)
        let initial = options.resume ? nil : try options.initialModel.map(InitialModel.init)
        let tokenizer: Tokenizer?
        if let initial {
            if let vocabulary {
                // Task data brings its own vocabulary, so only a model trained on that task can start from it (a
                // mask-only model fine-tuned with corruption and correction, for instance).
                guard initial.tokenizerJSON == Data(vocabulary.tokenizerJSON().serialized.utf8) else {
                    throw TrainSetupError("\(initial.directory.path): --init with \(options.data) needs a model trained on that task "
                                          + "(its tokenizer.json is not the task's vocabulary)")
                }
                tokenizer = nil
            } else {
                tokenizer = initial.tokenizer
            }
            tokenizerJSON = initial.tokenizerJSON
        } else if let vocabulary {
            tokenizer = nil
            tokenizerJSON = Data(vocabulary.tokenizerJSON().serialized.utf8)
        } else if options.resume {
            tokenizer = try Tokenizer.load(from: tokenizerURL)
            tokenizerJSON = try Data(contentsOf: tokenizerURL)
        } else if let given = options.tokenizer {
            tokenizer = try Tokenizer.load(from: given)
            tokenizerJSON = try Data(contentsOf: given)
        } else {
            let files = try TrainRun.corpusFiles(options.data)
            let trained = try BPETrainer(vocabularySize: options.vocabularySize ?? options.preset.config.vocabularySize).train(files: files)
            tokenizer = trained
            tokenizerJSON = trained.jsonData()
        }
        let specials: SpecialTokens
        let vocabularySize: Int
        if let initial {
            specials = initial.specials
            vocabularySize = initial.model.config.vocabularySize
            try options.checkFits(options.estimatedTrainingBytes(config: initial.model.config), advice: "choose a smaller --batch or --length")
            guard options.length <= initial.model.config.maxPositions else {
                throw TrainSetupError("--length \(options.length) exceeds \(initial.directory.path)'s context of \(initial.model.config.maxPositions) positions")
            }
        } else if let vocabulary {
            specials = vocabulary.specials
            vocabularySize = vocabulary.size
        } else if let tokenizer, let found = tokenizer.specialTokens {
            specials = found
            vocabularySize = tokenizer.vocabularySize
        } else {
            throw TrainSetupError("the tokenizer has no [PAD]/[CLS]/[SEP]/[MASK] tokens; FlowLM needs all four")
        }

        // Data.
        let encode: TextEncoder = { text in tokenizer.map { $0.encodeIDs(text) } ?? [] }
        let data = try TrainingData.load(options.data, encode: encode, specials: specials, length: options.length,
                                         validationSeed: options.seed &+ 0x5EED, evaluatedLengthOnly: options.evaluatedLengthOnly)
        dataSummary = data.summary
        self.specials = specials
        sample = SampleSetup(data: data, options: options, tokenizer: tokenizer, specials: specials)
        var knobs = options.corruptionKnobs
        if options.unigramSubstitutes {
            knobs.substitutes = .unigram(counts: TrainingData.unigramCounts(data.train, vocabularySize: vocabularySize))
        }
        let corruptor = try Corruptor(knobs: knobs, specials: specials, vocabularySize: vocabularySize)
        let source: AnyExampleSource
        switch data.source {
        case let .synthetic(name):
            source = AnyExampleSource(try SyntheticExamples(task: name.makeTask(evaluatedLengthOnly: options.evaluatedLengthOnly),
                                                            seed: options.seed, contextLength: options.length))
        case .text, .promptResponse:
            guard !data.train.isEmpty else { throw TrainSetupError("\(options.data): no training examples after the validation split") }
            source = AnyExampleSource(try ShuffledExamples(examples: data.train, seed: options.seed))
        }
        let batcher = Batcher(source: source, corruptor: corruptor, batchSize: options.batchSize, length: options.length,
                              seed: options.seed &+ 1)
        let validation = Batch.fixed(Array(data.validation.prefix(256)), corruptor: corruptor, batchSize: options.batchSize,
                                     length: options.length, seed: options.seed &+ 2)
        let trainingKnobs = TrainingKnobs(
            corruption: knobs,
            schedule: LearningRateSchedule(peak: options.learningRate, warmupSteps: options.warmupSteps,
                                           totalSteps: options.steps, decay: options.decay, finalRatio: options.decayFloor),
            optimizer: AdamWConfig(beta2: options.beta2, weightDecay: options.weightDecay),
            batchSize: options.batchSize, length: options.length, accumulation: options.accumulation,
            clipNorm: options.clipNorm, seed: options.seed)

        // Model: fresh from the preset, or the checkpoint being resumed.
        var config = options.modelConfig
        config.vocabularySize = vocabularySize
        config.specialTokens = .init(pad: specials.pad, bos: specials.cls, eos: specials.sep, cls: specials.cls,
                                     sep: specials.sep, mask: specials.mask)
        config.maxPositions = max(config.maxPositions, options.length)
        let policy = ComputePolicy(threads: options.threads)
        let logURL = options.output.appendingPathComponent("train_log.jsonl")
        if options.resume {
            let directory = try ModelDirectory(options.output)
            let model = try directory.loadModel()
            trainable = TrainableModernBert(model: model, policy: policy)
            session = try TrainingSession(model: trainable, knobs: trainingKnobs, batcher: batcher,
                                          validationBatches: validation, resumingFrom: options.output)
            if !session.savedWeights { try TrainRun.checkWeightsStep(directory: directory, expected: session.step) }
            log = try TrainingLogWriter(url: logURL, resumingAfterStep: session.step)
        } else {
            let model = initial?.model ?? ModernBertModel.randomlyInitialized(config: config, seed: options.seed)
            trainable = TrainableModernBert(model: model, policy: policy)
            session = TrainingSession(model: trainable, knobs: trainingKnobs, batcher: batcher, validationBatches: validation)
            log = try TrainingLogWriter(url: logURL)
        }
    }

    /// One optimiser step; evaluates on the validation batches every `evaluateEvery` steps and on the last.
    @discardableResult
    public func advance() throws -> StepReport {
        let report = try session.trainStep()
        lastReport = report
        var validation: KindMetrics?
        if report.step % options.evaluateEvery == 0 || report.step == options.steps {
            validation = try session.evaluate()
            lastValidation = validation
        }
        try log.append(TrainingLogRecord(report, validation: validation, tokensSeen: session.tokensSeen,
                                         elapsedSeconds: Date().timeIntervalSince(started)))
        return report
    }

    /// Writes the checkpoint: weights (tagged with the step), config, tokenizer, model card, train state.
    /// Each file is replaced atomically, so a kill at any moment leaves a loadable model.
    public func save() throws {
        let out = options.output
        let model = trainable.model
        // A loss is checked before its update, but the update itself can overflow (a learning rate far too
        // large); such weights must never replace the last good checkpoint.
        guard model.parameters.allSatisfy(\.isFinite) else { throw NonFiniteWeights(step: session.step) }
        try ModelCheckpoint.write(model: model, step: session.step, dtype: options.dtype, to: out)
        try AtomicFile.write(tokenizerJSON, to: out.appendingPathComponent(ModelDirectory.tokenizerName))
        try session.saveState(to: out)
        let facts = ModelCardFacts(
            modelName: out.lastPathComponent, data: dataSummary, knobs: session.knobs,
            parameterCount: model.layout.parameterCount, steps: session.step, tokensSeen: session.tokensSeen,
            finalTrain: lastReport?.metrics ?? KindMetrics(), finalValidation: lastValidation, command: options.command)
        try ModelCard.write(facts, to: out)
    }

    static func syntheticVocabulary(_ data: String) -> SymbolVocabulary? {
        guard data.hasPrefix(TrainingData.syntheticPrefix),
              let name = SyntheticTaskName(rawValue: String(data.dropFirst(TrainingData.syntheticPrefix.count))) else { return nil }
        return name.makeTask().vocabulary
    }

    /// The files the BPE tokenizer learns from. Decoding them here first gives bad data the corpus reader's
    /// errors (file, line and byte of a non-UTF-8 sequence; an empty corpus) before the trainer sees them.
    static func corpusFiles(_ path: String) throws -> [URL] {
        try TextCorpus.load(URL(fileURLWithPath: path)).map { URL(fileURLWithPath: $0.path) }
    }

    /// The weights of a checkpoint must be the ones saved with its train state.
    static func checkWeightsStep(directory: ModelDirectory, expected: Int) throws {
        let weights = try directory.openWeights()
        if let tagged = weights.metadata[ModelCheckpoint.stepKey].flatMap(Int.init), tagged != expected {
            throw FileProblem(directory.weightsURL.path,
                              "weights are from step \(tagged) but train_state.json is from step \(expected); the last save was interrupted")
        }
    }
}

/// Writing model weights with the training step in the safetensors metadata.
public enum ModelCheckpoint {
    public static let stepKey = "flowlm_step"

    public static func write(model: ModernBertModel, step: Int, dtype: DType, to directory: URL) throws {
        try model.save(to: directory, dtype: dtype, metadata: ["format": "pt", stepKey: String(step)])
    }
}

/// The update of a step left weights that are not finite: training stops and nothing is saved over the last checkpoint.
public struct NonFiniteWeights: FlowLMError, Equatable {
    public let step: Int
    public var description: String {
        "training diverged at step \(step): the weights after it are not finite (is the learning rate far too large?)"
    }
}
