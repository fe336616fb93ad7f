import ArgumentParser
import Foundation
import FlowLM

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a model directory's config, parameter count, stored dtypes and tokenizer.")

    @Argument(help: "An HF model directory (config.json, model.safetensors, optional tokenizer.json).")
    var directory: String

    func run() throws {
        try reportingFailures {
            let summary = try ModelSummary(directory: ModelLocator().directory(directory))
            print(summary.lines.joined(separator: "\n"))
        }
    }
}
