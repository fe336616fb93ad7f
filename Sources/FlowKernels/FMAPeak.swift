import CVectorMath
import Dispatch

/// The machine's FP32 multiply-add peak as measured here (CVectorMath/fma_peak.c), the yardstick for
/// "large GEMMs at a fraction of peak": a VM's clock under AVX-512 is not the nominal one.
public enum FMAPeak {
    /// GFLOP/s of `threads` workers running independent FMA chains at once, the best of `rounds` of about
    /// `secondsPerRound` each; nil on a CPU with neither AVX-512 nor AVX2+FMA.
    public static func measure(threads: Int, rounds: Int = 5, secondsPerRound: Double = 0.05) -> Double? {
        let workers = max(1, threads)
        let probe = 100_000
        guard let probeRate = rate(workers: workers, iterations: probe) else { return nil }
        // The probe's rate sizes the rounds, so a build without optimisation still finishes in time.
        let operationsPerIteration = probeRate.operations / Double(probe * workers)
        let iterations = max(probe, Int(secondsPerRound * probeRate.gflops * 1e9 / Double(workers) / operationsPerIteration))
        var best = 0.0
        for _ in 0..<rounds { best = max(best, rate(workers: workers, iterations: iterations)?.gflops ?? 0) }
        return best
    }

    private static func rate(workers: Int, iterations: Int) -> (gflops: Double, operations: Double)? {
        var operations = [Double](repeating: 0, count: workers)
        let start = DispatchTime.now().uptimeNanoseconds
        operations.withUnsafeMutableBufferPointer { done in
            let out = SendablePointer(done.baseAddress!)
            ComputePolicy(threads: workers).forEach(workers) { worker in
                var sink: Float = 0
                out.pointer[worker] = flowlm_fma_chains(Int64(iterations), &sink)
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        guard operations.allSatisfy({ $0 > 0 }) else { return nil }
        let total = operations.reduce(0, +)
        return (total / seconds / 1e9, total)
    }
}
