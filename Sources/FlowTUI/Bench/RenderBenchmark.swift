import FlowCore
import FlowDiffusion
import Foundation

/// `flowlm bench render`: the cost of one full visualizer frame (render + diff against the previous
/// grid) on a canvas of `tokens` positions whose colours and changes move every frame.
public enum RenderBenchmark {
    public struct Result: Sendable {
        public var tokens: Int
        public var width: Int
        public var height: Int
        public var frames: Int
        /// Milliseconds per frame for render + diff: mean, median, 99th percentile and worst (the worst
        /// is usually the scheduler on a shared machine, the 99th percentile the frame budget's measure).
        public var meanMilliseconds: Double
        public var medianMilliseconds: Double
        public var p99Milliseconds: Double = 0
        public var maxMilliseconds: Double
        public var meanRenderMilliseconds: Double
        public var meanDiffMilliseconds: Double
        public var meanChangedCells: Double
        /// Frames slower than `budgetMilliseconds` (a frame the eye could see stutter).
        public var overBudgetFrames = 0

        /// The per-frame budget: 5 ms.
        public static let budgetMilliseconds = 5.0

        /// `{"benchmark":"render","tokens":512,...,"mean_ms":1.234,...}` for `flowlm bench render --json`.
        public var json: JSONValue {
            func int(_ n: Int) -> JSONValue { .number(String(n)) }
            func ms(_ x: Double) -> JSONValue { .number(format(x, digits: 4)) }
            return .object([
                ("benchmark", .string("render")), ("tokens", int(tokens)), ("width", int(width)),
                ("height", int(height)), ("frames", int(frames)), ("mean_ms", ms(meanMilliseconds)),
                ("median_ms", ms(medianMilliseconds)), ("p99_ms", ms(p99Milliseconds)),
                ("max_ms", ms(maxMilliseconds)),
                ("render_mean_ms", ms(meanRenderMilliseconds)), ("diff_mean_ms", ms(meanDiffMilliseconds)),
                ("changed_cells_mean", ms(meanChangedCells)),
                ("budget_ms", ms(Self.budgetMilliseconds)), ("over_budget_frames", int(overBudgetFrames)),
            ])
        }
    }

    public static func run(tokens: Int = 512, width: Int = 160, height: Int = 50, frames: Int = 200) -> Result {
        let words = [" the", " mind", " heart", " river", " light", ",", " of", " and", " to", " sings", "世界", " café", "\n", " "]
        let mask: TokenID = 3
        let pieces = PieceLookup { id in id >= 4 ? words[Int(id - 4) % words.count] : "" }
        var state = AppState(modelName: "bench", hasModel: true, pieces: pieces, maskToken: mask,
                             theme: Theme(depth: .palette256))
        state.screenWidth = width; state.screenHeight = height
        var knobs = SamplerKnobs()
        knobs.answerLength = tokens
        var random = FlowRandom(seed: 1)
        var roles = [PositionRole](repeating: .answer, count: tokens)
        for i in 0..<min(16, tokens) { roles[i] = .prompt }
        var history: History?
        var previous: CellGrid?
        var totals: [Double] = [], renders: [Double] = [], diffs: [Double] = [], changed = 0.0
        for index in 0...frames {
            var frameTokens = [TokenID](repeating: mask, count: tokens)
            var confidence = [Float](repeating: 0, count: tokens)
            var changes: [TokenChange] = []
            for p in 0..<tokens {
                let visible = p < 16 || random.nextInt(below: frames) < index * 2
                if visible { frameTokens[p] = TokenID(4 + random.nextInt(below: words.count)) }
                confidence[p] = random.nextFloat()
                if visible, p >= 16, random.nextInt(below: 40) == 0 {
                    let kinds: [ChangeKind] = [.commit, .edit, .remask, .freeze]
                    changes.append(TokenChange(position: p, kind: kinds[random.nextInt(below: 4)], from: mask,
                                               to: frameTokens[p], pFrom: 0.1, pTo: 0.8,
                                               reason: ChangeReason(.scheduled, "bench")))
                }
            }
            let frame = StepFrame(index: index, tokens: frameTokens, roles: roles, confidence: confidence,
                                  pCurrent: confidence, changes: changes, knobs: knobs, forwardPasses: index)
            if history == nil { history = History(start: frame) } else { history?.append(frame) }
            state.history = history
            state.cursor = 16 + (index * 7) % max(1, tokens - 16)
            let start = DispatchTime.now().uptimeNanoseconds
            let grid = render(state, width: width, height: height)
            let rendered = DispatchTime.now().uptimeNanoseconds
            let cells = grid.changedCells(since: previous)
            let end = DispatchTime.now().uptimeNanoseconds
            previous = grid
            guard index > 0 else { continue }  // the first frame warms caches
            renders.append(Double(rendered - start) / 1e6)
            diffs.append(Double(end - rendered) / 1e6)
            totals.append(Double(end - start) / 1e6)
            changed += Double(cells.count)
        }
        let sorted = totals.sorted()
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        var result = Result(tokens: tokens, width: width, height: height, frames: frames,
                            meanMilliseconds: mean(totals), medianMilliseconds: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
                            maxMilliseconds: sorted.last ?? 0, meanRenderMilliseconds: mean(renders),
                            meanDiffMilliseconds: mean(diffs), meanChangedCells: changed / Double(max(1, frames)))
        result.p99Milliseconds = sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        result.overBudgetFrames = totals.filter { $0 > Result.budgetMilliseconds }.count
        return result
    }
}
