import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print JSON (compare with Tools/peer_torch.py via Tools/bench_forward.sh).",
        subcommands: [BenchForwardCommand.self, BenchGemmCommand.self, BenchTrainCommand.self, BenchStepCommand.self,
                      BenchRenderCommand.self, BenchSoakCommand.self, BenchAgreementCommand.self])
}

/// Every benchmark says so on stderr when this binary was built without optimisation: its times (and, with
/// the C kernels at -O0, `bench gemm`'s measured peak) say nothing about the engine.
func warnIfUnoptimizedBuild() {
    #if DEBUG
    FileHandle.standardError.write(Data("flowlm: debug build; benchmark numbers are not meaningful (swift build -c release)\n".utf8))
    #endif
}
