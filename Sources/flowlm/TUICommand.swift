import ArgumentParser
import Foundation
import FlowCore
import FlowLM
import FlowDiffusion
import FlowTUI

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the visualizer: step the refinement loop, see confidences and every replacement, tweak knobs with keys.")

    @Option(help: "Model directory (default: checkpoints/shakespeare-flowlm or $FLOWLM_MODEL).") var model: String?
    @Option(help: "Prompt; [MASK] or {{N}} put holes anywhere.") var prompt: String?
    @Option(help: "Replay a trace file (no model needed).") var replay: String?
    @Option(help: ArgumentHelp("Open in repair mode: damage this text (--substitute, --mask, --seed, as generate --repair does) "
                               + "and watch the model correct it; - reads it from standard input."))
    var repair: String?
    @Option(help: "Repair: fraction of tokens replaced by random ones.") var substitute: Double = Damage.defaultSubstituteRate
    @Option(help: "Repair: fraction of tokens masked.") var mask: Double = Damage.defaultMaskRate
    @Option(help: "Colours: 256, 16 or mono (default: from the terminal; NO_COLOR means mono).") var theme: String?
    @Flag(inversion: .prefixedNo, help: "Click tokens and timeline steps, wheel through history (--no-mouse: leave the mouse to the terminal).")
    var mouse = true
    @Option(help: "Threads for the forward pass (default: all cores).") var threads: Int?
    @OptionGroup var inference: InferenceOptions
    @OptionGroup var sampler: SamplerOptions

    func validate() throws {
        guard repair == nil || (prompt == nil && replay == nil) else {
            throw ValidationError("give --repair alone, not with --prompt or --replay")
        }
        guard (0...1).contains(substitute), (0...1).contains(mask), substitute + mask <= 1 else {
            throw ValidationError("--substitute and --mask must be in [0, 1] and add up to at most 1")
        }
    }

    func run() throws {
        try reportingFailures {
            var theme: ColorDepth?
            if let name = self.theme {
                guard let depth = ColorDepth(rawValue: name) else { throw ValidationError("--theme must be 256, 16 or mono") }
                theme = depth
            }
            let threads = self.threads, precision = inference.precision
            let load: (String) throws -> TUIModel = { path in
                try LoadedModel(directory: ModelLocator().directory(path), threads: threads, precision: precision).tuiModel
            }
            let loaded = try replay == nil
                ? LoadedModel(directory: ModelLocator().directory(model), threads: threads, precision: precision)
                : nil
            let task = loaded.flatMap(TaskDefaults.of)
            let knobs = try sampler.knobs(base: loaded?.startingKnobs(answerLength: task?.length))
            var options = TUIOptions(loadModel: load, prompt: prompt ?? task?.prompt ?? DefaultModel.prompt, knobs: knobs, theme: theme)
            options.mouse = mouse
            if let repair {
                options.repairText = try StandardInput.unlessDash(repair)
                // The text came through standard input; the keys must come from the terminal.
                if repair == "-" { TerminalInput.reattach() }
            }
            options.damageRates = DamageRates(substitute: substitute, mask: mask)
            options.trainer = TrainRunTrainer { settings in
                var trainOptions = try TrainRunTrainer.defaultOptions(settings)
                if let threads { trainOptions.threads = threads }
                return trainOptions
            }
            if let replay {
                options.replayTrace = replay
                if let model { options.replayPieces = try LoadedModel.pieces(modelDirectory: model) }
            } else if let loaded {
                options.model = loaded.tuiModel
            }
            do {
                let code = try TUIApp.run(options)
                if code != 0 { throw ExitCode(code) }
            } catch let error as TerminalUnavailable {
                FileHandle.standardError.write(Data("flowlm: \(error.description)\n".utf8))
                throw ExitCode(error.exitCode)
            }
        }
    }
}
