import ArgumentParser
import Foundation
import FlowLM

struct BenchSoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak",
        abstract: "Run the visualizer's loop headless on a model for a long time with random keys and resizes (autoplay at "
            + "full speed), sampling resident memory: it must not crash, and memory must stay bounded.")

    @Option(help: "Model directory (default: checkpoints/shakespeare-flowlm or $FLOWLM_MODEL).") var model: String?
    @Option(help: "Minutes to run.") var minutes: Double = 30
    @Option(help: "Seed of the key stream.") var seed: UInt64 = 1
    @Option(name: .customLong("sample-every"), help: "Seconds between memory samples.") var sampleEvery: Double = 10
    @Option(help: "Threads for the forward pass (default: all cores).") var threads: Int?
    @OptionGroup var inference: InferenceOptions
    @Flag(help: "Print the report as JSON (samples as [seconds, MB]).") var json = false

    func validate() throws {
        guard minutes > 0, sampleEvery > 0 else { throw ValidationError("--minutes and --sample-every must be positive") }
    }

    func run() throws {
        try reportingFailures {
            let loaded = try LoadedModel(directory: ModelLocator().directory(model), threads: threads, precision: inference.precision)
            let threads = self.threads, precision = inference.precision
            var options = TUIOptions(model: loaded.tuiModel, loadModel: { path in
                try LoadedModel(directory: ModelLocator().directory(path), threads: threads, precision: precision).tuiModel
            }, prompt: DefaultModel.prompt, knobs: try loaded.startingKnobs())
            options.mouse = false
            let report = SoakRun.run(options, seconds: minutes * 60, seed: seed, sampleEvery: sampleEvery) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            if json {
                print(report.json.serialized)
            } else {
                let rss = report.residentMegabytes.map(\.megabytes)
                print(String(format: "soak: %.0f s, %d keys, %d resizes, %d frames, exit %d; rss first %.1f MB, max %.1f MB, last %.1f MB; "
                             + "%d branches holding %d frames", report.seconds, report.keys, report.resizes, report.frames,
                             report.exitStatus, rss.first ?? 0, rss.max() ?? 0, rss.last ?? 0, report.branches, report.historyFrames))
            }
            if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        }
    }
}
