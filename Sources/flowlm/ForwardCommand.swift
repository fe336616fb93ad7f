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
            let output = try loaded.copiedLogits(TokenBatch(sequences: [tokenIDs], padID: 0), policy: policy)
            let report = LogitsReport(ids: tokenIDs, output: output)
            if let out { try NumpyFile.write(report.logits, shape: [tokenIDs.count, report.vocabularySize], to: URL(fileURLWithPath: out)) }
            let describe: ((TokenID) -> String)? = tokenizer.map { t in { t.decode([$0]).debugDescription } }
            print(json ? report.json(topK: topK) : report.textLines(topK: topK, describe: describe).joined(separator: "\n"))
        }
    }
}
