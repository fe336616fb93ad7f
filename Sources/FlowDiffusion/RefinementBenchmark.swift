import FlowCore
import Foundation

/// Returns the same logits for every canvas: a forward pass that costs nothing, so timing a step
/// measures the loop's own work only. With `summarizes`, it also hands over each row's statistics, as the
/// engine does when it gathers them in its decoder GEMM (computed once per request here, outside the timing).
final class FixedLogitsDenoiser: Denoiser {
    let vocabularySize: Int
    let contextLength: Int
    let specialTokens: SpecialTokens
    let matrix: LogitMatrix
    let summarizes: Bool
    private var summarized: (request: SoftmaxSummaryRequest, matrix: LogitMatrix)?

    init(positions: Int, vocabularySize: Int, specialTokens: SpecialTokens, seed: UInt64, summarizes: Bool = false) {
        self.summarizes = summarizes
        self.vocabularySize = vocabularySize
        self.contextLength = positions
        self.specialTokens = specialTokens
        var random = FlowRandom(seed: seed)
        let values = (0..<(positions * vocabularySize)).map { _ in (random.nextFloat() - 0.5) * 16 }
        matrix = LogitMatrix(rows: positions, vocabularySize: vocabularySize, values: values)
    }

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] { canvases.map { _ in matrix } }

    func logits(for canvases: [[TokenID]], summarizing request: SoftmaxSummaryRequest) throws -> [LogitMatrix] {
        guard summarizes else { return try logits(for: canvases) }
        if summarized?.request != request {
            var withSummaries = matrix
            withSummaries.summaries = Self.summarize(matrix, request)
            summarized = (request, withSummaries)
        }
        return canvases.map { _ in summarized!.matrix }
    }

    /// Per-row statistics with the loop's own top-k selection and the sums in Double (the engine's kernel is
    /// tested against the same definition).
    static func summarize(_ logits: LogitMatrix, _ request: SoftmaxSummaryRequest) -> SoftmaxSummaries {
        let k = request.candidates, v = logits.vocabularySize
        let ranges = RowStatistics.allowedRanges(vocabularySize: v, excluding: request.excluded)
        var maxima: [Float] = [], sums: [Float] = [], weighted: [Float] = []
        var ids = [TokenID](repeating: -1, count: logits.rows * k), best = [Float](repeating: -.infinity, count: logits.rows * k)
        logits.values.withUnsafeBufferPointer { all in
            for r in 0..<logits.rows {
                let row = all.baseAddress! + r * v
                let m = ids.withUnsafeMutableBufferPointer { idBuffer in
                    best.withUnsafeMutableBufferPointer { valueBuffer in
                        _ = RowStatistics.selectTop(row, ranges: ranges, k: k, ids: idBuffer.baseAddress! + r * k,
                                                    values: valueBuffer.baseAddress! + r * k)
                        return valueBuffer[r * k]
                    }
                }
                var sum = 0.0, weightedSum = 0.0
                for range in ranges {
                    for i in range {
                        let z = Double(row[i] - m) / Double(request.temperature)
                        sum += Foundation.exp(z); weightedSum += Foundation.exp(z) * z
                    }
                }
                maxima.append(m); sums.append(Float(sum)); weighted.append(request.weighted ? Float(weightedSum) : 0)
            }
        }
        return SoftmaxSummaries(request: request, rows: logits.rows, maxima: maxima, sums: sums, weightedSums: weighted,
                                candidateIDs: ids, candidateLogits: best)
    }
}

/// Per-step timing of the loop's own work, for `flowlm bench step --json`.
public struct StepBenchmarkResult: Sendable, Hashable {
    public var positions: Int
    public var vocabularySize: Int
    public var samples: Int
    public var medianMilliseconds: Double
    public var minimumMilliseconds: Double
    public var meanMilliseconds: Double
    /// Processor time (all threads) per step; unlike wall time it barely moves when other work shares the cores.
    public var cpuMillisecondsPerStep: Double
    public var threads: Int
    /// Whether the row statistics came with the logits (as the engine gathers them) or were swept by the loop.
    public var fusedStatistics: Bool

    /// One JSON object for `flowlm bench step --json` (keys in a fixed order).
    public var json: String {
        func ms(_ x: Double) -> String { String(format: "%.3f", x) }
        return "{\"bench\":\"step\",\"positions\":\(positions),\"vocab_size\":\(vocabularySize),\"samples\":\(samples)"
            + ",\"median_ms\":\(ms(medianMilliseconds)),\"min_ms\":\(ms(minimumMilliseconds)),\"mean_ms\":\(ms(meanMilliseconds))"
            + ",\"cpu_ms_per_step\":\(ms(cpuMillisecondsPerStep)),\"threads\":\(threads)"
            + ",\"statistics\":\"\(fusedStatistics ? "fused" : "swept")\"}"
    }
}

public enum RefinementBenchmark {
    /// Times `samples` re-plans of a FlowLM step over a canvas of `positions` (all answer, half already
    /// visible so both the unmask and the edit paths run) with fixed random logits of `vocabularySize`.
    /// The forward pass is excluded: it returns a cached matrix.
    /// With `fusedStatistics` the fixed logits come with their row statistics, as the engine serves them at
    /// this vocabulary; without, the loop sweeps them itself. With `fromHistory` the re-planned step is one back
    /// in history, whose logits are no longer cached: it is served from its kept statistics.
    public static func measureStep(positions: Int = 512, vocabularySize: Int = 50_000, samples: Int = 20,
                                   fusedStatistics: Bool = true, fromHistory: Bool = false,
                                   knobs base: SamplerKnobs = SamplerKnobs()) throws(DiffusionError) -> StepBenchmarkResult {
        precondition(positions >= 3 && vocabularySize > 8 && samples > 0, "benchmark shape")
        let special = SpecialTokens(pad: 0, cls: 1, sep: 2, mask: 3)
        let denoiser = FixedLogitsDenoiser(positions: positions, vocabularySize: vocabularySize, specialTokens: special, seed: 7,
                                           summarizes: fusedStatistics)
        var tokens = [TokenID](repeating: special.mask, count: positions)
        var roles = [PositionRole](repeating: .answer, count: positions)
        tokens[0] = special.cls; roles[0] = .special
        tokens[positions - 1] = special.sep; roles[positions - 1] = .special
        var random = FlowRandom(seed: 11)
        for p in stride(from: 1, to: positions - 1, by: 2) { tokens[p] = TokenID(4 + random.nextInt(below: vocabularySize - 4)) }
        let canvas = try Canvas(tokens: tokens, roles: roles, specialTokens: special)
        var knobs = base
        knobs.answerLength = positions - 2
        knobs.editGate = 0
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs)
        try refiner.step()
        if fromHistory {
            try refiner.step()
            refiner.stepBack()
        }
        var times: [Double] = []
        let cpuStart = processorSeconds()
        for _ in 0..<samples {
            try refiner.replan(knobs: knobs)
            if fromHistory, refiner.lastPlanSource != .keptStatistics {
                throw .invalidKnob("the re-plan from history was served by \(refiner.lastPlanSource.rawValue), not kept statistics")
            }
            let d = refiner.lastPlanningTime.components
            times.append(Double(d.seconds) * 1e3 + Double(d.attoseconds) * 1e-15)
        }
        let cpuPerStep = (processorSeconds() - cpuStart) * 1e3 / Double(samples)
        times.sort()
        return StepBenchmarkResult(positions: positions, vocabularySize: vocabularySize, samples: samples,
                                   medianMilliseconds: times[times.count / 2], minimumMilliseconds: times[0],
                                   meanMilliseconds: times.reduce(0, +) / Double(times.count),
                                   cpuMillisecondsPerStep: cpuPerStep, threads: RowStatistics.cores,
                                   fusedStatistics: fusedStatistics && vocabularySize >= RowStatistics.fastKernelMinimumVocabulary)
    }
}

/// User + system processor time of this process, in seconds.
private func processorSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
