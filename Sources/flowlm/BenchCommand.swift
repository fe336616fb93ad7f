import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print JSON (compare with Tools/peer_torch.py via Tools/bench_forward.sh).",
        subcommands: [BenchForwardCommand.self, BenchGemmCommand.self, BenchTrainCommand.self, BenchStepCommand.self,
                      BenchRenderCommand.self])
}
