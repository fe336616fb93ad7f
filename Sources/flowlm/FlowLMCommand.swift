import ArgumentParser
import FlowLM

@main
struct FlowLMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowlm",
        abstract: "Watch a diffusion language model think: refine text step by step with corruption-and-correction.",
        // The same number as python/pyproject.toml's, the scale-out trainer shipped beside it.
        version: "0.1.0",
        subcommands: [TUICommand.self, GenerateCommand.self, EvalCommand.self, ReplayCommand.self, InfoCommand.self, TokenizeCommand.self,
                      TokenizerCommand.self, ForwardCommand.self, ScoreCommand.self, TrainCommand.self, ConvertCommand.self, BenchCommand.self],
        defaultSubcommand: TUICommand.self
    )
}
