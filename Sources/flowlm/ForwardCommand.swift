import ArgumentParser
import Foundation
import FlowCore
import FlowKernels
import FlowLM
import FlowModel
import FlowTokenizer

struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Run the masked-LM forward pass on one sequence and show the most likely token at each position.")

    @Option(help: "An HF model directory.") var model: String
    @Option(help: "Text to encode with the model's tokenizer.json.") var text: String?
    @Option(help: "Comma-separated token ids, e.g. 1,2,3 (needs no tokenizer).") var ids: String?
    @Option(name: .customLong("top-k"), help: "Candidates to show per position.") var topK: Int = 1
    @Flag(help: "Print {\"ids\", \"argmax\", \"logits\"} as JSON.") var json = false
    @Option(help: "Write float32 logits [T, vocab] to this .npy file.") var out: String?
    @Option(help: "Worker threads (default: all cores).") var threads: Int?
    @OptionGroup var inference: InferenceOptions

    /// Rows of logits the text report takes at a time: 48 × a 50k vocabulary is 9.7 MB, and 48 rows are whole tiles
    /// of the packed GEMM (6-row tiles, 48-row blocks).
    static let textBlockRows = 48

    func validate() throws {
        guard (text == nil) != (ids == nil) else { throw ValidationError("give exactly one of --text and --ids") }
        guard topK >= 0 else { throw ValidationError("--top-k must not be negative") }
    }

    func run() throws {
        try reportingFailures {
            let directory = try ModelDirectory(ModelLocator().directory(model))
            let tokenIDs: [TokenID]
            var tokenizer: Tokenizer?
            if let ids {
                tokenIDs = try parseTokenIDs(ids)
            } else {
                guard directory.hasTokenizer else {
                    throw FileProblem(directory.tokenizerURL.path, "file not found (--text needs the model's tokenizer.json; --ids does not)")
                }
                let loaded = try Tokenizer.load(from: directory.tokenizerURL)
                tokenizer = loaded
                tokenIDs = loaded.encode(text ?? "").ids
            }
            if directory.hasTokenizer, tokenizer == nil { tokenizer = try? Tokenizer.load(from: directory.tokenizerURL) }
            let loaded = try directory.loadMaskedLanguageModel(precision: inference.precision)
            let policy = threads.map { ComputePolicy(threads: $0) } ?? .allCores
            let describe: ((TokenID) -> String)? = tokenizer.map { t in { t.decode([$0]).debugDescription } }
            try report(loaded, ids: tokenIDs, policy: policy, describe: describe)
        }
    }

    /// Runs the forward pass and reports from the logits where the workspace holds them, never copying [T, vocab].
    /// The text report reads each row once, so it takes the logits in blocks of `textBlockRows` rows and [T, vocab]
    /// is never held at once (98 MB of ModernBERT-base's peak at 512 tokens); JSON and --out need them all.
    private func report<Model: MaskedLanguageModel>(_ model: Model, ids: [TokenID], policy: ComputePolicy,
                                                    describe: ((TokenID) -> String)?) throws {
        let batch = TokenBatch(sequences: [ids], padID: 0)
        if !json, out == nil {
            try model.forEachLogitsBlock(batch, blockRows: Self.textBlockRows, policy: policy) { rows, logits in
                let report = LogitsReport(ids: Array(ids[rows]), vocabularySize: model.vocabularySize, logits: logits)
                print(report.textLines(topK: topK, describe: describe, firstPosition: rows.lowerBound).joined(separator: "\n"))
            }
            return
        }
        let workspace = model.makeWorkspace()
        let logits = try model.logitsInPlace(batch, workspace: workspace, policy: policy, summarizing: nil).logits
        try withExtendedLifetime(workspace) {
            let report = LogitsReport(ids: ids, vocabularySize: model.vocabularySize, logits: UnsafeBufferPointer(logits))
            if let out { try NumpyFile.write(Array(report.logits), shape: [ids.count, report.vocabularySize], to: URL(fileURLWithPath: out)) }
            print(json ? report.json(topK: topK) : report.textLines(topK: topK, describe: describe).joined(separator: "\n"))
        }
    }
}
