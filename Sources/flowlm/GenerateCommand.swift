import ArgumentParser
import Foundation
import FlowCore
import FlowDiffusion
import FlowLM
import FlowTUI

extension ColorMode: ExpressibleByArgument {}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Refine a prompt (or repair a damaged text) to the end without the TUI; print it coloured by confidence, or as JSON.",
        discussion: """
        The prompt may hold infill holes: [MASK] is one, {{N}} is a run of N. With --repair, the text is damaged \
        reproducibly (--substitute, --mask, --seed) and refined back, and the report says what was fixed.
        """)

    @Option(help: "Model directory (default: checkpoints/shakespeare-flowlm or $FLOWLM_MODEL).") var model: String?
    @Option(help: "Prompt; [MASK] or {{N}} put holes anywhere; - reads it from standard input.") var prompt: String?
    @Option(help: "Damage this text, then refine it back (repair mode); - reads it from standard input.") var repair: String?
    @Option(help: "Repair: fraction of tokens replaced by random ones.") var substitute: Double = Damage.defaultSubstituteRate
    @Option(help: "Repair: fraction of tokens masked.") var mask: Double = Damage.defaultMaskRate
    @Option(help: "Write the JSON Lines trace here (replay it with `flowlm replay` or `flowlm tui --replay`).") var trace: String?
    @Option(help: "auto (colour on a terminal unless NO_COLOR is set), always or never.") var color: ColorMode = .auto
    @Flag(help: "Print JSON instead of text.") var json = false
    @Flag(name: .customLong("every-step"), help: "Print every step, not only the final text.") var everyStep = false
    @Option(help: "Threads for the forward pass (default: all cores).") var threads: Int?
    @OptionGroup var inference: InferenceOptions
    @OptionGroup var sampler: SamplerOptions

    func validate() throws {
        guard prompt == nil || repair == nil else { throw ValidationError("give --prompt or --repair, not both") }
        if let threads, threads < 1 { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try LoadedModel(directory: ModelLocator().directory(self.model),
                                         threads: threads, precision: inference.precision)
            let task = TaskDefaults.of(loaded)
            let knobs = sampler.knobs(base: try loaded.startingKnobs(answerLength: task?.length))
            let model = loaded.textModel
            let colored = !json && color.usesColor(isTerminal: ColorMode.standardOutputIsTerminal,
                                                   environment: ProcessInfo.processInfo.environment)
            let text = FrameText(pieces: model.pieces, mask: model.denoiser.specialTokens.mask,
                                 theme: colored ? Theme(depth: .palette256) : nil, measure: ColorMeasure(following: knobs.confidence))
            let printStep: (StepFrame) -> Void = { frame in
                guard everyStep, !json else { return }
                print(text.header(frame))
                print(text.canvas(frame, markers: true))
            }
            let prompt = try self.prompt.map(StandardInput.unlessDash), repair = try self.repair.map(StandardInput.unlessDash)
            let result: GenerationResult
            if let repair {
                let outcome = try Repair.run(text: repair, substituteRate: substitute, maskRate: mask, knobs: knobs,
                                             model: model, onStep: printStep)
                result = outcome.generation
                if json {
                    print(outcome.json)
                } else {
                    print("damaged:  " + (colored ? text.canvas(outcome.damagedFrame, markers: false) : outcome.damagedText))
                    print("repaired: " + (colored ? text.canvas(result.finalFrame, markers: false)
                                                  : outcome.repairedText))
                    print(outcome.reportLines.joined(separator: "\n"))
                }
            } else {
                result = try Generation.run(prompt: prompt ?? task?.prompt ?? DefaultModel.prompt, knobs: knobs, model: model, onStep: printStep)
                if json {
                    print(result.json)
                } else if !everyStep {
                    print(colored ? text.canvas(result.finalFrame, markers: false) : result.text)
                }
            }
            if let trace { try TraceWriter.write(result.trace, to: URL(fileURLWithPath: trace)) }
        }
    }
}

/// `-` for a text argument: the text is standard input, read whole (as `cat`, `jq` and others do).
enum StandardInput {
    struct NotUTF8: FlowLMError {
        var description: String { "standard input: not valid UTF-8" }
    }

    static func unlessDash(_ argument: String) throws -> String {
        guard argument == "-" else { return argument }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        guard let text = String(data: data, encoding: .utf8) else { throw NotUTF8() }
        return text
    }
}
