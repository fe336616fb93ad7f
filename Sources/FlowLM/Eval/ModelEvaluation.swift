import Foundation
import FlowCore
import FlowDiffusion

/// How much `flowlm eval` measures, and the knobs that shape its conditions.
public struct EvalSettings: Sendable {
    /// Reference examples per seed and condition.
    public var samples = 200
    /// Independent sample sets (prompts, damage and sampling draws); results pool them.
    public var seeds = 1
    /// Canvases per forward pass.
    public var batchSize = 128
    /// K = L / d for each divisor d (at least 1 step).
    public var stepDivisors = [1, 2, 4, 8]
    /// Also trace validity against forward passes at every K = 2 … L (sampled from all-mask, edits off and
    /// edits on within the same budget); off by default, since it costs about L²/2 batched passes.
    public var validityCurve = false
    /// The sampler columns of the generation conditions (edits off, on, on at equal passes by default).
    public var samplers = EvalSampler.standard
    public var substitutionRates = [0.05, 0.1, 0.2, 0.3]
    public var maskRates = [0.25, 0.5, 0.75]
    /// The p2 column's E: the most tokens it remasks in one step.
    public var pathPlanningRemasks = 2
    public init() {}
}

/// Every measurement of one model on one task. Each condition builds one refiner per sample and runs
/// them in lockstep, so a condition costs about K batched forward passes.
public struct ModelEvaluation {
    public let denoiser: any Denoiser
    public let task: EvalTask
    public let settings: EvalSettings
    /// Called after each unit of work with what was just finished.
    public var progress: (String) -> Void = { _ in }

    /// A checkpoint, after checking that it speaks the task's vocabulary.
    public init(model: LoadedModel, task: EvalTask, settings: EvalSettings) throws {
        try task.check(model: model)
        self.init(denoiser: model.denoiser, task: task, settings: settings)
    }

    public init(denoiser: any Denoiser, task: EvalTask, settings: EvalSettings) {
        self.denoiser = denoiser; self.task = task; self.settings = settings
    }

    /// Units of work `run` reports through `progress` (for a progress bar).
    public var unitCount: Int {
        let generation = task.hasChecker ? 2 * settings.stepDivisors.count * settings.samplers.count : 2
        let curve = task.hasChecker && settings.validityCurve ? 1 : 0
        return (generation + curve + settings.substitutionRates.count + 1 + 2 + settings.maskRates.count) * settings.seeds
    }

    public func run() throws -> [EvalMeasurement] {
        var out: [EvalMeasurement] = []
        for seed in 0..<settings.seeds {
            let items = task.items(count: settings.samples, seed: UInt64(seed))
            out += try generation(items, seed: UInt64(seed))
            if task.hasChecker && settings.validityCurve { out += try validityCurve(items, seed: UInt64(seed)) }
            out += try repair(items, seed: UInt64(seed))
            out += try infilling(items, seed: UInt64(seed))
            out += try maskedLoss(items, seed: UInt64(seed))
        }
        return Self.pool(out)
    }

    /// Means over seeds of measurements with the same metric, condition and sampler (first-seen order).
    static func pool(_ measurements: [EvalMeasurement]) -> [EvalMeasurement] {
        var order: [EvalMeasurement] = []
        var sums: [EvalMeasurement: (Double, Int)] = [:]
        for m in measurements {
            var key = m
            key.value = 0
            if sums[key] == nil { order.append(key) }
            let (s, n) = sums[key] ?? (0, 0)
            sums[key] = (s + m.value, n + 1)
        }
        return order.map { key in
            var m = key
            let (s, n) = sums[key] ?? (0, 1)
            m.value = s / Double(n)
            return m
        }
    }

    // MARK: Canvases

    /// `item` with the answer positions in `masked` set to MASK and editable; every other answer
    /// position frozen as prompt.
    func canvas(_ item: EvalItem, masking masked: some Sequence<Int>) throws -> Canvas {
        var tokens = item.tokens
        var roles = tokens.map { task.specials.isReserved($0) ? PositionRole.special : .prompt }
        for p in masked {
            tokens[p] = task.specials.mask
            roles[p] = .answer
        }
        return try Canvas(tokens: tokens, roles: roles, specialTokens: task.specials)
    }

    /// Runs one refiner per canvas to the end, in lockstep; each run's totals and its first step (whose
    /// probabilities are the model's one pass over the starting canvas).
    func refine(_ canvases: [Canvas], knobs: (Int) -> SamplerKnobs) throws -> [(summary: RefinementSummary, first: RefinementStep?)] {
        let refiners = try canvases.enumerated().map { i, canvas in try Refiner(denoiser: denoiser, canvas: canvas, knobs: knobs(i)) }
        let steps = try LockstepRefinement.run(refiners, denoiser: denoiser, batchSize: settings.batchSize)
        return zip(refiners, steps).map { ($0.summary, $1.first) }
    }

    func sampleSeed(_ seed: UInt64, _ i: Int) -> UInt64 { seed &* 1_000_003 &+ UInt64(i) }

    // MARK: Generation and diversity

    func generation(_ items: [EvalItem], seed: UInt64) throws -> [EvalMeasurement] {
        var out: [EvalMeasurement] = []
        let modes: [(name: String, proposal: ProposalKind, prompted: Bool)] = task.hasChecker
            ? [("greedy, prompted", .argmax, true), ("sampled, all-mask", .sample, false)]
            : [("sampled, all-mask", .sample, false)]
        for mode in modes {
            let prefixes = items.map { mode.prompted ? task.promptedPrefix(of: $0) : 0 }
            let canvases = try zip(items, prefixes).map { item, prefix in try canvas(item, masking: item.answer.dropFirst(prefix)) }
            let divisors = task.hasChecker ? settings.stepDivisors : [1]
            let samplers: [EvalSampler] = task.hasChecker ? settings.samplers : [.editsOff, .editsOn]
            for divisor in divisors {
                for sampler in samplers {
                    let summaries = try refine(canvases) { i in
                        sampler.knobs(steps: max(1, (items[i].answer.count - prefixes[i]) / divisor), proposal: mode.proposal,
                                      seed: sampleSeed(seed, i), pathPlanningRemasks: settings.pathPlanningRemasks)
                    }.map(\.summary)
                    // L counts the masked positions; with a fixed answer length every sample has the same K.
                    let fixedK = task.fixedAnswerLength.map { _ in max(1, (items[0].answer.count - prefixes[0]) / divisor) }
                    let condition = "\(mode.name), K=L/\(divisor)" + (fixedK.map { " = \($0)" } ?? "")
                    out += generationMeasurements(items, summaries, condition: condition, sampler: sampler)
                    if divisor == 1 && !mode.prompted { out += diversity(items, summaries, sampler: sampler) }
                    progress("\(mode.name) K=L/\(divisor) \(sampler.rawValue)")
                }
            }
        }
        return out
    }

    /// Validity against forward passes: sampled from all-mask at K = 2 … L steps (each sample's K capped at its
    /// own answer length), edits off against edits on (and remask and p2, when measured) with the correction steps
    /// taken out of the same K.
    func validityCurve(_ items: [EvalItem], seed: UInt64) throws -> [EvalMeasurement] {
        var out: [EvalMeasurement] = []
        let canvases = try items.map { try canvas($0, masking: $0.answer) }
        let longest = items.map(\.answer.count).max() ?? 0
        for steps in stride(from: 2, through: longest, by: 1) {
            for sampler in EvalSampler.withinEditsOffPasses where settings.samplers.contains(sampler) {
                let summaries = try refine(canvases) { i in
                    sampler.knobs(steps: min(steps, items[i].answer.count), proposal: .sample, seed: sampleSeed(seed, i),
                                  pathPlanningRemasks: settings.pathPlanningRemasks)
                }.map(\.summary)
                let valid = zip(items, summaries).filter { task.isValid($1.tokens, item: $0) == true }.count
                let n = Double(items.count), condition = "sampled, all-mask, K=\(steps)"
                out.append(EvalMeasurement(.curveValidity, condition, sampler, Double(valid) / n))
                out.append(EvalMeasurement(.curvePasses, condition, sampler,
                                           summaries.reduce(0.0) { $0 + Double($1.forwardPasses) } / n))
            }
        }
        progress("validity curve")
        return out
    }

    func generationMeasurements(_ items: [EvalItem], _ summaries: [RefinementSummary], condition: String,
                                sampler: EvalSampler) -> [EvalMeasurement] {
        let n = Double(items.count)
        var out: [EvalMeasurement] = []
        if task.hasChecker {
            let valid = zip(items, summaries).filter { task.isValid($1.tokens, item: $0) == true }.count
            out.append(EvalMeasurement(.validity, condition, sampler, Double(valid) / n))
        }
        out.append(EvalMeasurement(.forwardPasses, condition, sampler, summaries.reduce(0.0) { $0 + Double($1.forwardPasses) } / n))
        out.append(EvalMeasurement(.editsPerSequence, condition, sampler,
                                   summaries.reduce(0.0) { $0 + Double($1.edits + $1.remasks) } / n))
        out.append(EvalMeasurement(.freezeRate, condition, sampler, Double(summaries.filter { $0.freezes > 0 }.count) / n))
        return out
    }

    func diversity(_ items: [EvalItem], _ summaries: [RefinementSummary], sampler: EvalSampler) -> [EvalMeasurement] {
        var counts = [Int](repeating: 0, count: denoiser.vocabularySize)
        var distinct = Set<[TokenID]>(), distinctValid = Set<[TokenID]>()
        for (item, summary) in zip(items, summaries) {
            let answer = item.answer.map { summary.tokens[$0] }
            for id in answer where id >= 0 && Int(id) < counts.count { counts[Int(id)] += 1 }
            distinct.insert(answer)
            if task.isValid(summary.tokens, item: item) == true { distinctValid.insert(answer) }
        }
        let n = Double(items.count), condition = "sampled, all-mask, K=L"
        var out = [EvalMeasurement(.uniqueSamples, condition, sampler, Double(distinct.count) / n),
                   EvalMeasurement(.unigramEntropy, condition, sampler, EvalStatistics.entropyBits(counts))]
        if task.hasChecker { out.insert(EvalMeasurement(.uniqueValid, condition, sampler, Double(distinctValid.count) / n), at: 0) }
        if sampler == .editsOff {
            // The held-out answers themselves, for scale: what a model that matches the data would reach.
            var reference = [Int](repeating: 0, count: counts.count)
            for item in items { for p in item.answer where Int(item.tokens[p]) < reference.count { reference[Int(item.tokens[p])] += 1 } }
            out.append(EvalMeasurement(.unigramEntropy, "held-out references", nil, EvalStatistics.entropyBits(reference)))
        }
        return out
    }

    // MARK: Repair, detection and calibration

    func repair(_ items: [EvalItem], seed: UInt64) throws -> [EvalMeasurement] {
        var out: [EvalMeasurement] = []
        var confidences: [Double] = [], correct: [Bool] = []
        for rate in [0] + settings.substitutionRates {
            let damages = try items.enumerated().map { i, item in
                try Damage.apply(to: item.tokens, editable: item.answer, substituteRate: rate, maskRate: 0,
                                 vocabularySize: task.substitutionVocabularySize, specialTokens: task.specials,
                                 seed: sampleSeed(seed ^ 0xDA3A6E, i))
            }
            let canvases = try zip(items, damages).map { item, damage in
                try Canvas.repair(tokens: damage.damaged, editable: item.answer, specialTokens: task.specials)
            }
            let runs = try refine(canvases) { i in
                EvalSampler.editsOn.knobs(steps: items[i].answer.count, proposal: .argmax, seed: sampleSeed(seed, i))
            }
            let summaries = runs.map(\.summary)
            let condition = "substituted \(Int((rate * 100).rounded())) %"
            let n = Double(items.count)
            var positives: [Double] = [], negatives: [Double] = []
            var fixed = 0, damaged = 0, falseEdits = 0, correctPositions = 0, exact = 0, valid = 0, broken = 0
            var restorable = 0
            for i in items.indices {
                let damage = damages[i], item = items[i], final = summaries[i].tokens
                let pDamaged = Self.probabilityOfInput(first: runs[i].first, canvas: damage.damaged)
                let report = RepairReport(damage: damage, repaired: final, editable: item.answer)
                let hit = Set(damage.substituted)
                for p in item.answer {
                    let score = -log(max(Double(pDamaged[p]), 1e-30))
                    if hit.contains(p) { positives.append(score) } else { negatives.append(score) }
                    if rate > 0 { confidences.append(Double(pDamaged[p])); correct.append(!hit.contains(p)) }
                }
                restorable += damage.substituted.filter { p in
                    Self.bestReplacement(first: runs[i].first, position: p, current: damage.damaged[p]) == damage.original[p]
                }.count
                fixed += report.fixed.count; damaged += report.damagedCount
                falseEdits += report.wronglyEdited.count; correctPositions += item.answer.count - report.damagedCount
                exact += report.exactRepair ? 1 : 0
                let isValid = task.isValid(final, item: item) == true
                valid += isValid ? 1 : 0
                if rate == 0 && !isValid && task.hasChecker { broken += 1 }
                if rate == 0 && !task.hasChecker && final != item.tokens { broken += 1 }
            }
            let sampler = EvalSampler.editsOn
            if rate == 0 {
                out.append(EvalMeasurement(.brokenShare, condition, sampler, Double(broken) / n))
            } else {
                if let auroc = EvalStatistics.auroc(positives: positives, negatives: negatives) {
                    out.append(EvalMeasurement(.detectionAUROC, condition, nil, auroc))
                }
                out.append(EvalMeasurement(.fixedRate, condition, sampler, damaged > 0 ? Double(fixed) / Double(damaged) : 1))
                let substituted = damages.reduce(0) { $0 + $1.substituted.count }
                if substituted > 0 {
                    out.append(EvalMeasurement(.restorable, condition, nil, Double(restorable) / Double(substituted)))
                }
                out.append(EvalMeasurement(.exactRepair, condition, sampler, Double(exact) / n))
                if task.hasChecker { out.append(EvalMeasurement(.validAfterRepair, condition, sampler, Double(valid) / n)) }
            }
            out.append(EvalMeasurement(.falseEditRate, condition, sampler,
                                       correctPositions > 0 ? Double(falseEdits) / Double(correctPositions) : 0))
            out.append(EvalMeasurement(.freezeRate, condition, sampler, Double(summaries.filter { $0.freezes > 0 }.count) / n))
            out.append(EvalMeasurement(.forwardPasses, condition, sampler, summaries.reduce(0.0) { $0 + Double($1.forwardPasses) } / n))
            progress("repair \(condition)")
        }
        let calibration = EvalStatistics.calibration(confidences: confidences, correct: correct)
        if let ece = calibration.ece {
            let rates = settings.substitutionRates.map { String(Int(($0 * 100).rounded())) }.joined(separator: "/")
            out.append(EvalMeasurement(.calibrationError, "substituted \(rates) %", nil, ece))
            for bin in calibration.bins where bin.count > 0 {
                out.append(EvalMeasurement(.reliability, String(format: "p in [%.1f, %.1f)", bin.lower, bin.upper), nil, bin.accuracy))
            }
        }
        return out
    }

    /// p(token the input held) at every position under the first step's logits: `pCurrent` where the step
    /// left the token alone, the change's `pFrom` where it edited, remasked or froze it.
    /// The first pass's most probable token other than the one in place: what an edit at `position` would
    /// write, whatever its confidence. Nil without a pass or when every kept candidate is the current token.
    static func bestReplacement(first step: RefinementStep?, position: Int, current: TokenID) -> TokenID? {
        step?.candidates.candidates(at: position).first { $0.id != current }?.id
    }

    static func probabilityOfInput(first step: RefinementStep?, canvas: [TokenID]) -> [Float] {
        guard let step else { return [Float](repeating: 1, count: canvas.count) }
        var p = step.pCurrent
        for change in step.changes where change.kind == .edit || change.kind == .remask || change.kind == .freeze {
            p[change.position] = change.pFrom
        }
        return p
    }

    // MARK: Infilling

    /// Holes at answer positions L/4 ..< L/2 (at least one), the rest frozen; one step per hole. Off the
    /// centre on purpose: a palindrome's mirror positions stay visible, so the original is determined.
    func infilling(_ items: [EvalItem], seed: UInt64) throws -> [EvalMeasurement] {
        let spans = items.map { item -> Range<Int> in
            let start = item.answer.count / 4
            return start..<min(item.answer.count, start + max(1, item.answer.count / 2 - start))
        }
        let canvases = try zip(items, spans).map { item, span in try canvas(item, masking: item.answer[span]) }
        var out: [EvalMeasurement] = []
        for sampler in [EvalSampler.editsOff, .editsOn] {
            let summaries = try refine(canvases) { i in
                sampler.knobs(steps: spans[i].count, proposal: .argmax, seed: sampleSeed(seed, i))
            }.map(\.summary)
            let n = Double(items.count), condition = "holes at L/4..<L/2, K=holes"
            let exact = zip(items, zip(spans, summaries)).filter { item, rest in
                item.answer[rest.0].allSatisfy { rest.1.tokens[$0] == item.tokens[$0] }
            }.count
            if task.hasChecker {
                let valid = zip(items, summaries).filter { task.isValid($1.tokens, item: $0) == true }.count
                out.append(EvalMeasurement(.infillValidity, condition, sampler, Double(valid) / n))
            }
            out.append(EvalMeasurement(.infillExact, condition, sampler, Double(exact) / n))
            var right = 0, holes = 0
            for (item, (span, summary)) in zip(items, zip(spans, summaries)) {
                for p in item.answer[span] { right += summary.tokens[p] == item.tokens[p] ? 1 : 0; holes += 1 }
            }
            out.append(EvalMeasurement(.infillTokenAccuracy, condition, sampler, Double(right) / Double(holes)))
            progress("infilling \(sampler.rawValue)")
        }
        return out
    }

    // MARK: Likelihood

    /// Cross-entropy and accuracy at the masked answer positions, each masked independently at a fixed
    /// rate (at least one per example), over ordinary tokens as the sampler sees them.
    func maskedLoss(_ items: [EvalItem], seed: UInt64) throws -> [EvalMeasurement] {
        var out: [EvalMeasurement] = []
        let reserved = Set(task.specials.reserved)
        for rate in settings.maskRates {
            var random = FlowRandom(seed: sampleSeed(seed ^ 0x4D41_534B, Int(rate * 1000)))
            let masks = items.map { item -> [Int] in
                let chosen = item.answer.filter { _ in random.nextDouble() < rate }
                return chosen.isEmpty ? [item.answer[random.nextInt(below: item.answer.count)]] : chosen
            }
            var loss = 0.0, hits = 0, count = 0
            var start = 0
            while start < items.count {
                let range = start..<min(start + settings.batchSize, items.count)
                let canvases = try range.map { try canvas(items[$0], masking: masks[$0]).tokens }
                let logits = try denoiser.logits(for: canvases)
                for (k, i) in range.enumerated() {
                    for p in masks[i] {
                        let (logP, best) = Self.ordinaryLogProbability(logits[k], row: p, token: items[i].tokens[p], reserved: reserved)
                        loss -= logP; hits += best == items[i].tokens[p] ? 1 : 0; count += 1
                    }
                }
                start = range.upperBound
            }
            let condition = "mask rate \(rate)"
            out.append(EvalMeasurement(.maskedLoss, condition, nil, loss / Double(count)))
            out.append(EvalMeasurement(.maskedAccuracy, condition, nil, Double(hits) / Double(count)))
            progress("masked loss \(rate)")
        }
        return out
    }

    /// log p(token) over the row's non-reserved ids, and the most likely of them.
    static func ordinaryLogProbability(_ logits: LogitMatrix, row: Int, token: TokenID,
                                       reserved: Set<TokenID>) -> (Double, TokenID) {
        let v = logits.vocabularySize, base = row * v
        var maximum = -Double.infinity, best: TokenID = -1
        for id in 0..<v where !reserved.contains(TokenID(id)) {
            let x = Double(logits.values[base + id])
            if x > maximum { maximum = x; best = TokenID(id) }
        }
        var sum = 0.0
        for id in 0..<v where !reserved.contains(TokenID(id)) { sum += exp(Double(logits.values[base + id]) - maximum) }
        return (Double(logits.values[base + Int(token)]) - maximum - log(sum), best)
    }
}
