import ArgumentParser
import FlowTUI

struct BenchRenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Time one full visualizer frame (render + diff) on a canvas whose colours and changes move every frame.")

    @Option(help: "Canvas tokens.") var tokens: Int = 512
    @Option(help: "Screen width in cells.") var width: Int = 160
    @Option(help: "Screen height in cells.") var height: Int = 50
    @Option(help: "Timed frames.") var frames: Int = 1000
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        guard tokens > 0, frames > 0 else { throw ValidationError("--tokens and --frames must be positive") }
        guard width >= 20, height >= 10 else { throw ValidationError("--width must be at least 20 and --height at least 10") }
    }

    func run() throws {
        warnIfUnoptimizedBuild()
        let result = RenderBenchmark.run(tokens: tokens, width: width, height: height, frames: frames)
        if json {
            print(result.json.serialized)
        } else {
            print("render \(tokens) tokens at \(width)×\(height): mean \(result.meanMilliseconds) ms, median \(result.medianMilliseconds) ms,"
                  + " p99 \(result.p99Milliseconds) ms, max \(result.maxMilliseconds) ms per frame (render \(result.meanRenderMilliseconds),"
                  + " diff \(result.meanDiffMilliseconds)); \(result.overBudgetFrames) of \(frames) frames over the"
                  + " \(RenderBenchmark.Result.budgetMilliseconds) ms budget")
        }
    }
}
