import ArgumentParser
import FlowKernels
import FlowLM

struct BenchGemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "Square SGEMM throughput (GFLOP/s) through FlowKernels' gemm.")

    @Option(help: "Matrix size N (N×N times N×N).") var size: Int = 2048
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "outer: split across our workers; blas: OpenBLAS threads.") var strategy: ComputePolicy.Strategy = .blas
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let policy = ComputePolicy(threads: threads ?? ComputePolicy.allCores.threads, strategy: strategy)
        let rate = GemmBenchmark(size: size, policy: policy).run()
        if json {
            print("{\"size\":\(size),\"threads\":\(policy.threads),\"strategy\":\"\(strategy.rawValue)\",\"gflops\":\(rate),\"core\":\"\(BLASThreads.coreName)\"}")
        } else {
            print("sgemm \(size)³, \(policy.threads) thread(s) [\(strategy.rawValue)], OpenBLAS core \(BLASThreads.coreName): \(rate) GFLOP/s")
        }
    }
}
