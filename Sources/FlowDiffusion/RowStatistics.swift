import CVectorMath
import FlowCore
import Foundation

/// Per-row softmax statistics at temperature T over ordinary tokens (reserved ids excluded), computed
/// in two sweeps per row while the row is still in cache: top-k by a threshold test (no sort), then one
/// vectorized exp sweep for the normalizer Z and Σ e·z (entropy). Buffers are reused across steps.
struct RowStatistics {
    private(set) var rows = 0
    private(set) var k = 2
    private(set) var vocabularySize = 0
    private(set) var inverseTemperature: Float = 1
    /// Row r's candidates at r*k ..< r*k+k, best first; id -1 pads rows with fewer ordinary tokens than k.
    private(set) var topIds: [TokenID] = []
    private(set) var topLogits: [Float] = []
    private(set) var topProbabilities: [Float] = []
    private(set) var maxLogit: [Float] = []
    private(set) var normalizer: [Float] = []
    /// exp(−H) per row, in (0, 1].
    private(set) var entropyConfidence: [Float] = []
    private(set) var special = SpecialTokens(pad: 0, cls: 0, sep: 0, mask: 0)
    private var allowedRanges: [Range<Int>] = []
    /// The same ranges as begin/end pairs for the C kernels.
    private var allowedRangePairs: [Int64] = []
    private var reservedKey: [TokenID] = []

    /// Fills every buffer from `logits`; throws on non-finite scores (a broken model, not a trap).
    /// Large matrices are split across cores by rows; each row is independent, so results do not
    /// depend on the split.
    /// `entropy: false` skips Σ e·z (entropyConfidence stays 0), a few percent of the sweep.
    mutating func compute(_ logits: LogitMatrix, temperature: Float, keep k: Int, special: SpecialTokens,
                          entropy: Bool = true) throws(DiffusionError) {
        if let summaries = logits.summaries,
           summaries.request == Self.request(temperature: temperature, keep: k, special: special, entropy: entropy) {
            try adopt(summaries, vocabularySize: logits.vocabularySize, special: special, entropy: entropy)
            return
        }
        self.special = special
        prepare(rows: logits.rows, vocabularySize: logits.vocabularySize, k: k, reserved: special.reserved)
        inverseTemperature = 1 / temperature
        guard !allowedRanges.isEmpty else { throw .denoiser("every token of the vocabulary is reserved") }
        guard logits.rows > 0 else { return }
        let rows = self.rows, vocabulary = vocabularySize, ranges = allowedRanges, inverseT = inverseTemperature
        let pairs = allowedRangePairs
        let fast = vocabulary >= Self.fastKernelMinimumVocabulary ? Self.widestKernel : .portable
        let workers = rows * vocabulary >= 1 << 20
            ? ParallelChunks.count(total: rows, workers: RowStatistics.cores, minimumChunk: 16) : 1
        var firstFailure = rows
        logits.values.withUnsafeBufferPointer { all in
            topIds.withUnsafeMutableBufferPointer { ids in
            topLogits.withUnsafeMutableBufferPointer { values in
            topProbabilities.withUnsafeMutableBufferPointer { probabilities in
            maxLogit.withUnsafeMutableBufferPointer { maxima in
            normalizer.withUnsafeMutableBufferPointer { sums in
            entropyConfidence.withUnsafeMutableBufferPointer { entropies in
                let failures = UnsafeMutableBufferPointer<Int>.allocate(capacity: workers)
                defer { failures.deallocate() }
                let output = RowOutput(logits: all.baseAddress!, ids: ids.baseAddress!, values: values.baseAddress!,
                                       probabilities: probabilities.baseAddress!, maxima: maxima.baseAddress!,
                                       sums: sums.baseAddress!, entropies: entropies.baseAddress!,
                                       failures: failures.baseAddress!)
                for worker in 0..<workers { output.failures[worker] = rows }
                ParallelChunks.run(total: rows, workers: workers) { worker, range in
                    for r in range where !Self.computeRow(
                        r, output.logits + r * vocabulary, ranges: ranges, pairs: pairs, fast: fast, k: k,
                        inverseT: inverseT, entropy: entropy, output: output) {
                        output.failures[worker] = r
                        break
                    }
                }
                firstFailure = failures.min() ?? rows
            }}}}}}
        }
        if firstFailure < rows { throw .denoiser("non-finite logits at position \(firstFailure)") }
    }

    /// The summary a denoiser would gather for these settings (`Denoiser.logits(for:summarizing:)`).
    static func request(temperature: Float, keep k: Int, special: SpecialTokens, entropy: Bool) -> SoftmaxSummaryRequest {
        SoftmaxSummaryRequest(temperature: temperature, candidates: k, excluded: special.reserved, weighted: entropy)
    }

    /// Fills every buffer from statistics the denoiser gathered while making the logits: no sweep at all.
    private mutating func adopt(_ summaries: SoftmaxSummaries, vocabularySize: Int, special: SpecialTokens,
                                entropy: Bool) throws(DiffusionError) {
        let k = summaries.request.candidates
        self.special = special
        prepare(rows: summaries.rows, vocabularySize: vocabularySize, k: k, reserved: special.reserved)
        inverseTemperature = 1 / summaries.request.temperature
        for r in 0..<rows {
            let top = summaries.maxima[r], z = summaries.sums[r], weighted = summaries.weightedSums[r]
            guard summaries.candidateIDs[r * k] >= 0, top.isFinite, z.isFinite, z > 0, weighted.isFinite else {
                throw .denoiser("non-finite logits at position \(r)")
            }
            maxLogit[r] = top
            normalizer[r] = z
            entropyConfidence[r] = entropy ? Self.entropyConfidence(sum: z, weightedSum: weighted) : 0
            for j in 0..<k {
                let id = summaries.candidateIDs[r * k + j], logit = summaries.candidateLogits[r * k + j]
                topIds[r * k + j] = id
                topLogits[r * k + j] = logit
                topProbabilities[r * k + j] = id >= 0 ? Self.probability(logit, max: top, inverseT: inverseTemperature, sum: z) : 0
            }
        }
    }

    /// exp(−H) of a row from Z = Σe^z and Σe^z·z (H = log Z − Σe^z·z / Z, clamped at 0).
    @inline(__always)
    static func entropyConfidence(sum z: Float, weightedSum: Float) -> Float { fastExp(-max(0, logf(z) - weightedSum / z)) }

    /// p of a logit at temperature 1/inverseT, given the row's maximum and Z.
    @inline(__always)
    static func probability(_ logit: Float, max top: Float, inverseT: Float, sum z: Float) -> Float {
        fastExp((logit - top) * inverseT) / z
    }

    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Where one row's results go (each row writes only its own slots, so workers never overlap).
    private struct RowOutput: @unchecked Sendable {
        let logits: UnsafePointer<Float>
        let ids: UnsafeMutablePointer<TokenID>
        let values: UnsafeMutablePointer<Float>
        let probabilities: UnsafeMutablePointer<Float>
        let maxima: UnsafeMutablePointer<Float>
        let sums: UnsafeMutablePointer<Float>
        let entropies: UnsafeMutablePointer<Float>
        /// One slot per worker: the first bad row it met, or `rows`.
        let failures: UnsafeMutablePointer<Int>
    }

    private mutating func prepare(rows: Int, vocabularySize: Int, k: Int, reserved: [TokenID]) {
        if rows * k != topIds.count || self.k != k {
            topIds = [TokenID](repeating: -1, count: rows * k)
            topLogits = [Float](repeating: -.infinity, count: rows * k)
            topProbabilities = [Float](repeating: 0, count: rows * k)
        }
        if maxLogit.count != rows {
            maxLogit = [Float](repeating: 0, count: rows)
            normalizer = [Float](repeating: 1, count: rows)
            entropyConfidence = [Float](repeating: 0, count: rows)
        }
        if self.vocabularySize != vocabularySize || reservedKey != reserved {
            let ranges = Self.allowedRanges(vocabularySize: vocabularySize, excluding: reserved)
            allowedRanges = ranges
            allowedRangePairs = ranges.flatMap { [Int64($0.lowerBound), Int64($0.upperBound)] }
            reservedKey = reserved
        }
        self.rows = rows; self.k = k; self.vocabularySize = vocabularySize
    }

    /// The ids of `0..<vocabularySize` left once `excluded` are taken out, as ascending ranges.
    static func allowedRanges(vocabularySize: Int, excluding excluded: [TokenID]) -> [Range<Int>] {
        let cuts = Set(excluded.map(Int.init)).filter { $0 >= 0 && $0 < vocabularySize }.sorted()
        var ranges: [Range<Int>] = []
        var start = 0
        for cut in cuts { if cut > start { ranges.append(start..<cut) }; start = cut + 1 }
        if start < vocabularySize { ranges.append(start..<vocabularySize) }
        return ranges
    }

    /// False when the row has no finite maximum or a non-finite normalizer.
    private static func computeRow(_ r: Int, _ row: UnsafePointer<Float>, ranges: [Range<Int>], pairs: [Int64], fast: SweepKernel,
                                   k: Int, inverseT: Float, entropy wantsEntropy: Bool, output: RowOutput) -> Bool {
        let offset = r * k
        let values = output.values + offset
        let found: Int
        var z: Float = 0, weighted: Float = 0
        switch fast {
        case .portable: found = selectTop(row, ranges: ranges, k: k, ids: output.ids + offset, values: values)
        case .avx2:
            found = Int(pairs.withUnsafeBufferPointer {
                flowlm_top_k_avx2(row, $0.baseAddress, Int32(ranges.count), Int32(k), output.ids + offset, values)
            })
        case .avx512:
            found = Int(pairs.withUnsafeBufferPointer {
                flowlm_row_summary_avx512(row, $0.baseAddress, Int32(ranges.count), Int32(k), inverseT, wantsEntropy ? 1 : 0,
                                          output.ids + offset, values, &z, &weighted)
            })
        }
        let top = values[0]
        guard found > 0, top.isFinite else { return false }
        if fast != .avx512 {
            (z, weighted) = wantsEntropy
                ? exponentialSums(row, ranges: ranges, max: top, inverseT: inverseT, weighted: true, fast: fast)
                : exponentialSums(row, ranges: ranges, max: top, inverseT: inverseT, weighted: false, fast: fast)
        }
        guard z.isFinite, z > 0, weighted.isFinite else { return false }
        output.maxima[r] = top
        output.sums[r] = z
        output.entropies[r] = wantsEntropy ? entropyConfidence(sum: z, weightedSum: weighted) : 0
        for j in 0..<k {
            output.probabilities[offset + j] = j < found ? probability(values[j], max: top, inverseT: inverseT, sum: z) : 0
        }
        return true
    }

    /// Keeps the k largest values (descending, lower id first on ties) over `ranges`; returns how many.
    @inline(__always)
    static func selectTop(_ row: UnsafePointer<Float>, ranges: [Range<Int>], k: Int,
                                  ids: UnsafeMutablePointer<TokenID>, values: UnsafeMutablePointer<Float>) -> Int {
        for j in 0..<k { ids[j] = -1; values[j] = -.infinity }
        var threshold = -Float.infinity
        var found = 0
        @inline(__always) func insert(_ value: Float, _ id: Int) {
            guard value > threshold else { return }
            var j = min(found, k - 1)
            while j > 0 && values[j - 1] < value { values[j] = values[j - 1]; ids[j] = ids[j - 1]; j -= 1 }
            values[j] = value; ids[j] = TokenID(truncatingIfNeeded: id)
            found = min(found + 1, k)
            if found == k { threshold = values[k - 1] }
        }
        let raw = UnsafeRawPointer(row)
        for range in ranges {
            var i = range.lowerBound
            var thresholdVector = SIMD8<Float>(repeating: threshold)
            while i + 8 <= range.upperBound {
                let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                if any(v .> thresholdVector) {
                    for lane in 0..<8 { insert(v[lane], i + lane) }
                    thresholdVector = SIMD8(repeating: threshold)
                }
                i += 8
            }
            while i < range.upperBound { insert(row[i], i); i += 1 }
        }
        return found
    }

    /// Which implementation of the sweep and the top-k runs: the portable Swift SIMD, or CVectorMath's
    /// AVX2+FMA or AVX-512 kernels (the same polynomial; the top-k identical).
    enum SweepKernel { case portable, avx2, avx512 }

    /// Whether this CPU can run the AVX2+FMA kernels (CVectorMath).
    static let usesAVX2 = flowlm_has_avx2_fma() == 1
    /// The widest kernel this CPU runs.
    static let widestKernel: SweepKernel = flowlm_has_avx512() == 1 ? .avx512 : usesAVX2 ? .avx2 : .portable
    /// Vocabularies from this size on use those kernels. They round differently in the last bit (FMA), and
    /// a last-bit change can flip a tie between two equally confident positions; below this size the
    /// portable code runs on every CPU, so traces of small models are identical on every machine, and the
    /// sweep is cheap there anyway (docs/DECISIONS.md, "Per-step cost").
    static let fastKernelMinimumVocabulary = 16_384

    /// Σ e^z and Σ e^z·z with z = (x − max)·(1/T) over `ranges`. Eight-lane groups entirely below
    /// z = −30 are skipped: together they add under 1e-8 of Z even at vocabulary 50k.
    @inline(__always)
    static func exponentialSums(_ row: UnsafePointer<Float>, ranges: [Range<Int>], max top: Float,
                                inverseT: Float, weighted withWeights: Bool, fast: SweepKernel) -> (Float, Float) {
        guard fast == .portable else {
            var sum: Float = 0, weighted: Float = 0
            for range in ranges {
                // The AVX-512 row pass computes its sums itself (flowlm_row_summary_avx512); alone, this is AVX2.
                flowlm_exp_sums_avx2(row, Int64(range.lowerBound), Int64(range.upperBound), top, inverseT,
                                     withWeights ? 1 : 0, &sum, &weighted)
            }
            return (sum, weighted)
        }
        return portableExponentialSums(row, ranges: ranges, max: top, inverseT: inverseT, weighted: withWeights)
    }

    /// The same sums in baseline x86-64 SIMD (two SSE halves per SIMD8); also the reference for the AVX2 path.
    @inline(__always)
    static func portableExponentialSums(_ row: UnsafePointer<Float>, ranges: [Range<Int>], max top: Float,
                                        inverseT: Float, weighted withWeights: Bool) -> (Float, Float) {
        let raw = UnsafeRawPointer(row)
        let maxVector = SIMD8<Float>(repeating: top), scale = SIMD8<Float>(repeating: inverseT)
        let negligible = SIMD8<Float>(repeating: -30)
        var sum = SIMD8<Float>.zero, weighted = SIMD8<Float>.zero
        for range in ranges {
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let z = (raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - maxVector) * scale
                if any(z .> negligible) {
                    let e = fastExp(z)
                    sum += e
                    if withWeights { weighted += e * z }
                }
                i += 8
            }
            if i < range.upperBound {
                var z = SIMD8<Float>(repeating: -100)
                for lane in 0..<(range.upperBound - i) { z[lane] = (row[i + lane] - top) * inverseT }
                let e = fastExp(z)
                sum += e
                weighted += e * z
            }
        }
        return (sum.sum(), weighted.sum())
    }

    /// p(token) at the computed temperature; 0 for reserved or out-of-range ids.
    func probability(row r: Int, token: TokenID, in logits: LogitMatrix) -> Float {
        guard token >= 0, Int(token) < vocabularySize, !special.isReserved(token) else { return 0 }
        return fastExp((logits.values[r * vocabularySize + Int(token)] - maxLogit[r]) * inverseTemperature) / normalizer[r]
    }

    /// The best ordinary token of row r other than `token`, with its probability (id -1 when none).
    func bestOther(row r: Int, than token: TokenID) -> (id: TokenID, probability: Float) {
        let offset = r * k
        let j = topIds[offset] == token ? 1 : 0
        return (topIds[offset + j], topProbabilities[offset + j])
    }

    func topId(row r: Int) -> TokenID { topIds[r * k] }

    /// Inverse-CDF draw from row r at the computed temperature over ordinary tokens; `uniform` in [0, 1).
    func sample(row r: Int, in logits: LogitMatrix, uniform: Float) -> TokenID {
        let top = maxLogit[r], inverseT = inverseTemperature
        let target = uniform * normalizer[r]
        var cumulative: Float = 0
        let found: TokenID? = logits.values.withUnsafeBufferPointer { all -> TokenID? in
            guard let base = all.baseAddress else { return nil }
            let row = base + r * vocabularySize
            let raw = UnsafeRawPointer(row)
            let maxVector = SIMD8<Float>(repeating: top), scale = SIMD8<Float>(repeating: inverseT)
            for range in allowedRanges {
                var i = range.lowerBound
                while i + 8 <= range.upperBound {
                    let e = fastExp((raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - maxVector) * scale)
                    let chunk = e.sum()
                    if cumulative + chunk > target {
                        for lane in 0..<8 {
                            cumulative += e[lane]
                            if cumulative > target { return TokenID(i + lane) }
                        }
                    } else {
                        cumulative += chunk
                    }
                    i += 8
                }
                while i < range.upperBound {
                    cumulative += fastExp((row[i] - top) * inverseT)
                    if cumulative > target { return TokenID(i) }
                    i += 1
                }
            }
            return nil
        }
        // Rounding can leave the target just above the total: fall back to the most likely token.
        return found ?? topId(row: r)
    }
}
