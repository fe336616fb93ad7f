import Foundation
import FlowCore
import FlowKernels

/// Large-GEMM throughput, `C [m, n] = X [m, k] · Wᵀ` with W stored [n, k] as a linear layer's weight,
/// through the packed inference kernel (W packed once, untimed, as `packForInference` does) or OpenBLAS
/// (`parallelGemm`, which packs on every call), against the FMA peak measured on the same threads.
public struct GemmBenchmark: Sendable {
    public enum Kernel: String, Sendable, CaseIterable { case packed, openblas }

    public struct Result: Sendable {
        public let benchmark: GemmBenchmark
        public let medianGFLOPS: Double
        public let bestGFLOPS: Double
        /// nil where the CPU has no FMA unit to measure.
        public let peakGFLOPS: Double?

        public var fractionOfPeak: Double? { peakGFLOPS.map { medianGFLOPS / $0 } }

        public var json: String {
            func number(_ x: Double) -> JSONValue { .number(String(format: "%.1f", x)) }
            let b = benchmark
            return JSONValue.object([
                ("m", .number(String(b.m))), ("n", .number(String(b.n))), ("k", .number(String(b.k))),
                ("kernel", .string(b.kernel.rawValue)), ("threads", .number(String(b.policy.threads))),
                ("strategy", .string(b.policy.strategy.rawValue)), ("repeats", .number(String(b.repeats))),
                ("gflops", number(medianGFLOPS)), ("best_gflops", number(bestGFLOPS)),
                ("peak_gflops", peakGFLOPS.map(number) ?? .null),
                ("fraction_of_peak", fractionOfPeak.map { .number(String(format: "%.3f", $0)) } ?? .null),
                ("openblas_core", .string(BLASThreads.coreName)),
            ]).serialized
        }
    }

    public struct UnsupportedKernel: FlowLMError {
        public var description: String { "the packed GEMM needs AVX-512, which this CPU lacks (use --kernel openblas)" }
    }

    public let m: Int, n: Int, k: Int
    public let kernel: Kernel
    public let policy: ComputePolicy
    public let repeats: Int

    public init(m: Int, n: Int, k: Int, kernel: Kernel, policy: ComputePolicy, repeats: Int = 5) {
        self.m = m; self.n = n; self.k = k; self.kernel = kernel; self.policy = policy; self.repeats = repeats
    }

    /// The packed kernel where this CPU runs it (AVX-512), else OpenBLAS.
    public static var defaultKernel: Kernel { PackedWeight.isSupported ? .packed : .openblas }

    public func run() throws -> Result {
        var random = FlowRandom(seed: 3)
        let w = (0..<(n * k)).map { _ in random.nextFloat() }
        // Allocated as a model's workspace is (64-byte aligned, huge pages from 2 MB): rows that straddle
        // cache lines cost ~5 % here.
        let x = allocateFloats(m * k), c = allocateFloats(m * n)
        defer { releaseLargeBuffer(x); releaseLargeBuffer(c) }
        for i in 0..<(m * k) { x[i] = random.nextFloat() }
        let packed: PackedWeight?
        switch kernel {
        case .packed:
            guard let weight = PackedWeight(weight: w, outFeatures: n, inFeatures: k) else { throw UnsupportedKernel() }
            packed = weight
        case .openblas:
            packed = nil
        }
        policy.activate()
        var rates: [Double] = []
        for run in 0..<(repeats + 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            if let packed {
                packedLinearForward(input: x, rows: m, weight: packed, bias: nil, output: c, policy: policy)
            } else {
                parallelGemm(.normal, .transposed, m: m, n: n, k: k, a: x, lda: k, b: w, ldb: k, c: c, ldc: n, policy: policy)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if run > 0 { rates.append(2 * Double(m) * Double(n) * Double(k) / seconds / 1e9) }
        }
        rates.sort()
        return Result(benchmark: self, medianGFLOPS: rates[rates.count / 2], bestGFLOPS: rates.last!,
                      peakGFLOPS: FMAPeak.measure(threads: policy.threads))
    }
}
