import ArgumentParser
import Foundation
import FlowCore
import FlowLM
import FlowModel
import FlowTrain

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a ModernBERT-style model with a corruption objective; writes an HF model directory.",
        discussion: """
        --data is a UTF-8 text file or folder, a .jsonl file of {"prompt", "response"} pairs, or task:palindrome, \
        task:dyck or task:addition. Ctrl-C or SIGTERM finishes the current step, saves and exits (130 / 143).
        """)

    @Option(help: "Training data: text file/folder, prompt/response .jsonl, or task:<name>.") var data: String
    @Option(help: "Output model directory.") var out: String
    @Option(help: "llada, bert, flowlm or uniform.") var objective: String = "flowlm"
    @Option(help: "Model shape: toy or small.") var preset: String = "toy"
    @Option(help: "Optimiser steps.") var steps: Int = 2000
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Tokens per sequence (context).") var length: Int = 128
    @Option(help: "Peak learning rate.") var lr: Double = 1e-3
    @Option(help: "Warm-up steps.") var warmup: Int = 100
    @Option(help: "Decay after warm-up: cosine, linear or constant.") var decay: String = "cosine"
    @Option(name: .customLong("weight-decay"), help: "AdamW weight decay (matrices and embeddings only).") var weightDecay: Double = 0.01
    @Option(help: "Micro-batches per optimiser step.") var accumulation: Int = 1
    @Option(help: "Gradient clipping by global norm (0 disables).") var clip: Double = 1.0
    @Option(help: "Seed of initialisation, data order and corruption.") var seed: UInt64 = 0
    @Flag(help: "Continue the run saved in --out exactly where it stopped.") var resume = false
    @Option(name: .customLong("eval-every"), help: "Validation every N steps.") var evalEvery: Int = 100
    @Option(name: .customLong("save-every"), help: "Checkpoint every N steps.") var saveEvery: Int = 250
    @Option(help: "Stored weight precision: f32, f16 or bf16.") var dtype: String = "f32"
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(name: .customLong("vocab-size"), help: "Size of the BPE tokenizer trained on a text corpus.") var vocabSize: Int?
    @Option(help: "Use this tokenizer.json instead of training one.") var tokenizer: String?
    @Flag(name: .customLong("evaluated-length-only"),
          help: "Synthetic tasks: train palindromes and brackets only at the length flowlm eval uses (their longest).")
    var evaluatedLengthOnly = false
    @Option(name: .customLong("init"),
            help: "Fine-tune an existing ModernBERT folder (or a hub id in the local HF cache): its weights, tokenizer and shape.")
    var initialModel: String?
    @Option(name: .customLong("p-sub"), help: "flowlm: substitution rate at mask rate 1/2.") var pSub: Double = 0.2
    @Option(name: .customLong("sub-floor"), help: "flowlm: substitution rate on a canvas with no masks (fades to 0 at mask rate 1).")
    var subFloor: Double = 0
    @Option(name: .customLong("min-noise"), help: "Lowest noise level t drawn (t_min; mask rate t).") var minNoise: Double = 1e-3
    @Option(help: "AdamW β2.") var beta2: Double = 0.999
    @Option(name: .customLong("decay-floor"), help: "Learning rate at the end of the decay, as a fraction of the peak.")
    var decayFloor: Double = 0.1
    @Option(name: .customLong("w-mask"), help: "Loss weight of masked positions.") var wMask: Float = 1
    @Option(name: .customLong("w-sub"), help: "Loss weight of substituted positions.") var wSub: Float = 1
    @Option(name: .customLong("w-keep"), help: "Loss weight of kept positions (0 = the seed reference's loss).") var wKeep: Float = 1
    @Flag(name: .customLong("unigram-substitutes"), help: "Draw substitutes by corpus frequency instead of uniformly.")
    var unigramSubstitutes = false
    @Option(name: .customLong("model-substitutes"),
            help: "Share of substitutions re-drawn from the model's own prediction at that position (0–1; one more forward pass per step).")
    var modelSubstitutes: Double = 0
    @Option(help: "Override the preset's hidden size.") var hidden: Int?
    @Option(help: "Override the preset's MLP intermediate size.") var intermediate: Int?
    @Option(help: "Override the preset's attention head count.") var heads: Int?
    @Option(help: "Override the preset's layer count (every third layer global).") var layers: Int?
    @Option(name: .customLong("dump-batch"),
            help: "Write the next training batch with its corruption and loss to FILE (safetensors, python/README.md format), save the checkpoint and exit.")
    var dumpBatch: String?

    func run() throws {
        try reportingFailures {
            var options = TrainOptions(data: data, output: URL(fileURLWithPath: out))
            guard let objective = Objective(rawValue: objective) else { throw ValidationError("unknown --objective '\(objective)' (llada, bert, flowlm, uniform)") }
            guard let preset = ModelPreset(rawValue: preset), preset.trainsHere else { throw ValidationError("--preset must be toy or small") }
            guard let decay = LearningRateSchedule.Decay(rawValue: decay) else { throw ValidationError("unknown --decay '\(decay)'") }
            guard let dtype = ["f32": DType.f32, "f16": .f16, "bf16": .bf16][dtype] else { throw ValidationError("--dtype must be f32, f16 or bf16") }
            options.objective = objective; options.preset = preset; options.steps = steps; options.batchSize = batch
            options.length = length; options.learningRate = lr; options.warmupSteps = warmup; options.decay = decay
            options.weightDecay = weightDecay; options.accumulation = accumulation; options.clipNorm = clip > 0 ? clip : nil
            options.seed = seed; options.resume = resume; options.evaluateEvery = evalEvery; options.saveEvery = saveEvery
            options.dtype = dtype; options.threads = threads ?? options.threads; options.vocabularySize = vocabSize
            options.tokenizer = tokenizer.map { URL(fileURLWithPath: $0) }; options.substitutionPeak = pSub
            options.initialModel = try initialModel.map { try ModelLocator().directory($0) }
            options.evaluatedLengthOnly = evaluatedLengthOnly
            options.substitutionFloor = subFloor; options.minimumNoise = minNoise; options.beta2 = beta2
            options.decayFloor = decayFloor
            options.weightMasked = wMask; options.weightSubstituted = wSub; options.weightKept = wKeep
            options.unigramSubstitutes = unigramSubstitutes
            options.modelSubstituteShare = modelSubstitutes
            options.shape = ModelShapeOverride(hiddenSize: hidden, intermediateSize: intermediate, headCount: heads, layerCount: layers)
            options.command = (["flowlm"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
            if let dumpBatch {
                let run = try TrainRun(options: options)
                let summary = try BatchDump.write(run: run, to: URL(fileURLWithPath: dumpBatch))
                print("flowlm train: wrote a \(summary.batchSize)x\(summary.length) \(objective) batch to \(dumpBatch) "
                      + "(loss \(summary.loss) with the step-\(run.step) weights saved in \(out))")
                return
            }
            let code = try TrainLoop.run(options)
            if code != 0 { throw ExitCode(code) }
        }
    }
}
