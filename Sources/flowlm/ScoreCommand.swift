import ArgumentParser
import Foundation
import FlowCore
import FlowLM

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Pseudo-log-likelihood of a text: each position masked in turn, the mean log p of the true token.",
        discussion: "Scores the text's tokens (the canvas's [CLS]/[SEP] are added and not scored), or the last --last tokens.")

    @Option(help: "Model directory (default: checkpoints/shakespeare-flowlm or $FLOWLM_MODEL).") var model: String?
    @Option(help: "Text to score; - reads it from standard input.") var text: String?
    @Option(help: "Comma-separated token ids of the text, without [CLS]/[SEP].") var ids: String?
    @Option(help: "Score only the last N tokens (e.g. a generated answer after its prompt).") var last: Int?
    @Option(help: "Threads for the forward pass (default: all cores).") var threads: Int?
    @OptionGroup var inference: InferenceOptions
    @Flag(help: "Print {\"mean\", \"per_position\"} as JSON.") var json = false

    func validate() throws {
        guard (text == nil) != (ids == nil) else { throw ValidationError("give exactly one of --text and --ids") }
        if let last, last < 1 { throw ValidationError("--last must be positive") }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try LoadedModel(directory: ModelLocator().directory(model),
                                         threads: threads, precision: inference.precision)
            let tokens: [TokenID]
            if let ids {
                tokens = try parseTokenIDs(ids, vocabularySize: loaded.denoiser.vocabularySize)
            } else {
                tokens = loaded.encode(try StandardInput.unlessDash(text ?? ""))
            }
            guard !tokens.isEmpty else { throw ValidationError("nothing to score: the text has no tokens") }
            let specials = loaded.denoiser.specialTokens
            let canvas = [specials.cls] + tokens + [specials.sep]
            guard canvas.count <= loaded.denoiser.contextLength else {
                throw ValidationError("the text has \(canvas.count) tokens with [CLS]/[SEP], beyond the model's context \(loaded.denoiser.contextLength)")
            }
            let scored = min(last ?? tokens.count, tokens.count)
            let positions = Array((tokens.count - scored + 1)...tokens.count)
            let result = try PseudoLikelihood.score(canvas: canvas, positions: positions, denoiser: loaded.denoiser)
            if json {
                let values = result.perPosition.map { JSONValue.number(String(format: "%.5f", $0)) }
                print(JSONValue.object([("mean", .number(String(format: "%.5f", result.mean))), ("tokens", .number(String(scored))),
                                        ("per_position", .array(values))]).serialized)
            } else {
                print(String(format: "pseudo-log-likelihood %.4f nats per token over %d tokens", result.mean, scored))
            }
        }
    }
}
