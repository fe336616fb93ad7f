import ArgumentParser
import FlowKernels
import FlowLM

extension GemmBenchmark.Kernel: ExpressibleByArgument {}

struct BenchGemmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GEMM throughput (GFLOP/s) of X·Wᵀ against this machine's measured FMA peak.",
        discussion: """
            packed: the inference kernel, W packed once beforehand as a loaded model's weights are. \
            openblas: FlowKernels' parallelGemm, as the trainer uses. The peak is timed on the same threads \
            with independent multiply-add chains.
            """)

    @Option(help: "Square size N (N×N times N×N), unless --shape is given.") var size: Int = 2048
    @Option(help: "M×N×K instead of a square, e.g. 512x2304x768 (base's fused QKV at 512 tokens).")
    var shape: String?
    @Option(help: "packed or openblas (default: packed where the CPU has AVX-512).")
    var kernel: GemmBenchmark.Kernel = GemmBenchmark.defaultKernel
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Option(help: "outer: split across our workers; blas: OpenBLAS threads (openblas kernel only).")
    var strategy: ComputePolicy.Strategy = .outer
    @Option(help: "Timed runs.") var repeats: Int = 5
    @Flag(help: "Print JSON.") var json = false

    func dimensions() throws -> (m: Int, n: Int, k: Int) {
        guard let shape else { return (size, size, size) }
        let parts = shape.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 3, parts.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--shape must be M×N×K with three positive integers, e.g. 512x2304x768")
        }
        return (parts[0], parts[1], parts[2])
    }

    func validate() throws {
        guard size > 0, repeats > 0 else { throw ValidationError("--size and --repeats must be positive") }
        // The packed kernel splits panels across our workers only; under `blas` it would run on one core
        // while the peak was measured on all of them.
        if kernel == .packed, strategy == .blas {
            throw ValidationError("--strategy blas threads OpenBLAS only; the packed kernel uses --strategy outer")
        }
        _ = try dimensions()
    }

    func run() throws {
        warnIfUnoptimizedBuild()
        try reportingFailures {
            let (m, n, k) = try dimensions()
            let policy = ComputePolicy(threads: threads ?? ComputePolicy.allCores.threads, strategy: strategy)
            let result = try GemmBenchmark(m: m, n: n, k: k, kernel: kernel, policy: policy, repeats: repeats).run()
            if json { print(result.json); return }
            var line = "gemm \(m)×\(n)×\(k), \(policy.threads) thread(s), \(kernel.rawValue): "
                + String(format: "%.1f GFLOP/s median (best %.1f)", result.medianGFLOPS, result.bestGFLOPS)
            if let peak = result.peakGFLOPS, let fraction = result.fractionOfPeak {
                line += String(format: ", %.0f %% of the measured %.1f GFLOP/s FMA peak", fraction * 100, peak)
            }
            print(line)
        }
    }
}
