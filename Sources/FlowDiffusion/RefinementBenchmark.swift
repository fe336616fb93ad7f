import FlowCore
import Foundation

/// Returns the same logits for every canvas: a forward pass that costs nothing, so timing a step
/// measures the loop's own work only.
final class FixedLogitsDenoiser: Denoiser {
    let vocabularySize: Int
    let contextLength: Int
    let specialTokens: SpecialTokens
    let matrix: LogitMatrix

    init(positions: Int, vocabularySize: Int, specialTokens: SpecialTokens, seed: UInt64) {
        self.vocabularySize = vocabularySize
        self.contextLength = positions
        self.specialTokens = specialTokens
        var random = FlowRandom(seed: seed)
        let values = (0..<(positions * vocabularySize)).map { _ in (random.nextFloat() - 0.5) * 16 }
        matrix = LogitMatrix(rows: positions, vocabularySize: vocabularySize, values: values)
    }

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] { canvases.map { _ in matrix } }
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
}

public enum RefinementBenchmark {
    /// Times `samples` re-plans of a FlowLM step over a canvas of `positions` (all answer, half already
    /// visible so both the unmask and the edit paths run) with fixed random logits of `vocabularySize`.
    /// The forward pass is excluded: it returns a cached matrix.
    public static func measureStep(positions: Int = 512, vocabularySize: Int = 50_000, samples: Int = 20,
                                   knobs base: SamplerKnobs = SamplerKnobs()) throws(DiffusionError) -> StepBenchmarkResult {
        precondition(positions >= 3 && vocabularySize > 8 && samples > 0, "benchmark shape")
        let special = SpecialTokens(pad: 0, cls: 1, sep: 2, mask: 3)
        let denoiser = FixedLogitsDenoiser(positions: positions, vocabularySize: vocabularySize, specialTokens: special, seed: 7)
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
        var times: [Double] = []
        let cpuStart = processorSeconds()
        for _ in 0..<samples {
            try refiner.replan(knobs: knobs)
            let d = refiner.lastPlanningTime.components
            times.append(Double(d.seconds) * 1e3 + Double(d.attoseconds) * 1e-15)
        }
        let cpuPerStep = (processorSeconds() - cpuStart) * 1e3 / Double(samples)
        times.sort()
        return StepBenchmarkResult(positions: positions, vocabularySize: vocabularySize, samples: samples,
                                   medianMilliseconds: times[times.count / 2], minimumMilliseconds: times[0],
                                   meanMilliseconds: times.reduce(0, +) / Double(times.count),
                                   cpuMillisecondsPerStep: cpuPerStep, threads: RowStatistics.cores)
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
