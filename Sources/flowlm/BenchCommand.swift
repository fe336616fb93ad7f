import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print JSON (compare with the PyTorch peers via Tools/bench_forward.sh and Tools/bench_train.sh).",
        subcommands: [BenchForwardCommand.self, BenchGemmCommand.self, BenchTrainCommand.self])
}
