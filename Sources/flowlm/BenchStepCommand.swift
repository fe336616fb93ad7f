import ArgumentParser
import FlowDiffusion

struct BenchStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Time the refinement loop's own work per step (no forward pass: the logits are fixed).")

    @Option(help: "Canvas positions.") var positions: Int = 512
    @Option(help: "Vocabulary size of the fixed logits.") var vocab: Int = 50_000
    @Option(help: "Timed re-plans.") var samples: Int = 20
    @Flag(help: "Make the loop sweep the logits for its statistics instead of receiving them with the logits (as the engine gathers them in its decoder GEMM from vocabulary 16384 on).")
    var sweep = false
    @Flag(help: "Re-plan a step back in history (its logits no longer cached) from the statistics kept for it.")
    var history = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard positions >= 3 else { throw ValidationError("--positions must be at least 3") }
        guard vocab > 8 else { throw ValidationError("--vocab must be more than 8") }
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
    }

    func run() throws {
        warnIfUnoptimizedBuild()
        try reportingFailures {
            let result = try RefinementBenchmark.measureStep(positions: positions, vocabularySize: vocab, samples: samples,
                                                                fusedStatistics: !sweep, fromHistory: history)
            if json {
                print(result.json)
            } else {
                print("loop step at \(positions) positions, vocab \(vocab): median \(result.medianMilliseconds) ms"
                      + " (min \(result.minimumMilliseconds), cpu \(result.cpuMillisecondsPerStep) ms/step, \(result.threads) threads)")
            }
        }
    }
}
