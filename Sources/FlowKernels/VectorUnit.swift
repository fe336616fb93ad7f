import CVectorMath

/// Which implementation the activation kernels run: the portable Swift SIMD code (built for baseline
/// x86-64, so four-wide SSE without FMA) or CVectorMath's AVX-512 versions of the same polynomials.
/// `.best` is chosen once from the CPU; tests run both.
public enum VectorUnit: Sendable {
    case portable, avx512

    public static let best: VectorUnit = flowlm_has_avx512() == 1 ? .avx512 : .portable
    /// The units this CPU can run.
    public static var available: [VectorUnit] { best == .avx512 ? [.portable, .avx512] : [.portable] }
}
