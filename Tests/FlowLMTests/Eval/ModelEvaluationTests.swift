import FlowCore
import FlowDiffusion
import FlowTrain
import Testing
@testable import FlowLM

/// A palindrome "model" that knows the rule: at each answer position it favours the mirror position's
/// token when that is visible (and mildly its own), and is uniform otherwise. `contrary` favours any
/// symbol but the mirror's, so nothing it writes can be a palindrome.
final class MirrorDenoiser: Denoiser {
    let vocabulary: SymbolVocabulary
    let contrary: Bool
    init(contrary: Bool = false) throws {
        vocabulary = try SymbolVocabulary(symbols: "abcdefgh")
        self.contrary = contrary
    }
    var vocabularySize: Int { vocabulary.size }
    var contextLength: Int { 64 }
    var specialTokens: SpecialTokens { vocabulary.specials }

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        canvases.map { canvas in
            var logits = LogitMatrix(rows: canvas.count, vocabularySize: vocabularySize)
            let n = canvas.count
            for i in 1..<(n - 1) {
                let mirror = canvas[n - 1 - i], own = canvas[i]
                if !specialTokens.isReserved(mirror) {
                    if contrary {
                        for id in 5..<vocabularySize where TokenID(id) != mirror { logits[i, id] = 6 }
                    } else {
                        logits[i, Int(mirror)] += 8
                    }
                }
                if !specialTokens.isReserved(own) && !contrary { logits[i, Int(own)] += 1 }
            }
            return logits
        }
    }
}

@Suite struct ModelEvaluationTests {
    static func settings() -> EvalSettings {
        var settings = EvalSettings()
        settings.samples = 24
        settings.batchSize = 7
        return settings
    }

    static func value(_ measurements: [EvalMeasurement], _ metric: EvalMetric, _ condition: String,
                      _ sampler: EvalSampler?) -> Double? {
        measurements.first { $0.metric == metric && $0.condition.hasPrefix(condition) && $0.sampler == sampler }?.value
    }

    @Test func aModelThatKnowsTheRuleScoresWhereItShould() throws {
        var reported: [String] = []
        var evaluation = ModelEvaluation(denoiser: try MirrorDenoiser(), task: EvalTask(task: .palindrome), settings: Self.settings())
        evaluation.progress = { reported.append($0) }
        let m = try evaluation.run()
        #expect(reported.count == evaluation.unitCount)
        // One commit per step: each position is committed after, or together with, its mirror's choice.
        #expect(Self.value(m, .validity, "greedy, prompted, K=L/1", .editsOff) == 1)
        #expect(Self.value(m, .validity, "greedy, prompted, K=L/1", .editsOn) == 1)
        #expect(Self.value(m, .forwardPasses, "greedy, prompted, K=L/1", .editsOff) == 12)
        // A correct palindrome is left alone, and the rule repairs most single substitutions.
        #expect(Self.value(m, .brokenShare, "substituted 0 %", .editsOn) == 0)
        #expect(Self.value(m, .falseEditRate, "substituted 0 %", .editsOn) == 0)
        let auroc = try #require(Self.value(m, .detectionAUROC, "substituted 5 %", nil))
        #expect(auroc > 0.9)
        // A substitution whose mirror is intact has the original as its best replacement.
        #expect(try #require(Self.value(m, .restorable, "substituted 5 %", nil)) > 0.8)
        #expect(Self.value(m, .infillExact, "holes", .editsOff) == 1, "the holes' mirrors are visible")
        #expect(Self.value(m, .infillTokenAccuracy, "holes", .editsOff) == 1)
        let reference = try #require(Self.value(m, .unigramEntropy, "held-out references", nil))
        #expect(reference > 2.9 && reference <= 3, "eight symbols, near uniform")
        #expect(try #require(Self.value(m, .maskedAccuracy, "mask rate 0.25", nil)) > 0.6)
        #expect(try #require(Self.value(m, .calibrationError, "substituted", nil)) >= 0)
        for measurement in m where ![.forwardPasses, .editsPerSequence, .maskedLoss, .unigramEntropy].contains(measurement.metric) {
            #expect((0...1).contains(measurement.value), "\(measurement)")
        }
    }

    @Test func aContraryModelWritesNoPalindrome() throws {
        let evaluation = ModelEvaluation(denoiser: try MirrorDenoiser(contrary: true), task: EvalTask(task: .palindrome),
                                         settings: Self.settings())
        let m = try evaluation.run()
        for sampler in EvalSampler.standard {
            #expect(Self.value(m, .validity, "greedy, prompted, K=L/1", sampler) == 0)
        }
        #expect(Self.value(m, .validity, "greedy, prompted, K=L/1", .remaskEqualPasses) == nil, "measured only on request")
        #expect(try #require(Self.value(m, .maskedAccuracy, "mask rate 0.5", nil)) < 0.5)
        #expect(Self.value(m, .restorable, "substituted 10 %", nil) == 0, "the original is the one symbol it never favours")
    }

    @Test func theValidityCurveCoversEveryStepCountWithinItsBudget() throws {
        var settings = Self.settings()
        settings.validityCurve = true
        var reported: [String] = []
        var evaluation = ModelEvaluation(denoiser: try MirrorDenoiser(), task: EvalTask(task: .palindrome), settings: settings)
        evaluation.progress = { reported.append($0) }
        let m = try evaluation.run()
        #expect(reported.count == evaluation.unitCount)
        let curve = m.filter { $0.metric == .curveValidity }
        #expect(curve.count == 2 * 15, "K = 2 … 16, edits off and edits on at equal passes")
        for steps in 2...16 {
            let condition = "sampled, all-mask, K=\(steps)"
            #expect(Self.value(m, .curvePasses, condition, .editsOff) == Double(steps))
            let passes = try #require(m.first { $0.metric == .curvePasses && $0.condition == condition && $0.sampler == .editsOnEqualPasses })
            #expect(passes.value <= Double(steps), "the correction budget is inside K")
        }
        // One commit per step: the second of each mirror pair sees its partner (sampling rarely misses it).
        let full = try #require(m.first { $0.metric == .curveValidity && $0.condition == "sampled, all-mask, K=16" && $0.sampler == .editsOff })
        #expect(full.value >= 0.9)
    }

    @Test func theRemaskColumnStaysWithinTheEditsOffBudget() throws {
        var settings = Self.settings()
        settings.samplers.append(.remaskEqualPasses)
        settings.validityCurve = true
        var evaluation = ModelEvaluation(denoiser: try MirrorDenoiser(), task: EvalTask(task: .palindrome), settings: settings)
        var reported = 0
        evaluation.progress = { _ in reported += 1 }
        let m = try evaluation.run()
        #expect(reported == evaluation.unitCount)
        for divisor in [1, 2, 4, 8] {
            let condition = "sampled, all-mask, K=L/\(divisor)"
            let off = try #require(Self.value(m, .forwardPasses, condition, .editsOff))
            let remask = try #require(Self.value(m, .forwardPasses, condition, .remaskEqualPasses))
            #expect(remask <= off)
        }
        let valid = try #require(Self.value(m, .validity, "greedy, prompted, K=L/1", .remaskEqualPasses))
        #expect((0...1).contains(valid))
        #expect(m.contains { $0.metric == .curveValidity && $0.sampler == .remaskEqualPasses })
    }

    @Test func sameSettingsSameNumbers() throws {
        var settings = Self.settings()
        settings.samples = 6
        settings.seeds = 2
        let task = EvalTask(task: .palindrome)
        let first = try ModelEvaluation(denoiser: try MirrorDenoiser(), task: task, settings: settings).run()
        let second = try ModelEvaluation(denoiser: try MirrorDenoiser(), task: task, settings: settings).run()
        #expect(first == second)
    }

    @Test func poolingAveragesTheSameCellAcrossSeeds() {
        let pooled = ModelEvaluation.pool([
            EvalMeasurement(.validity, "a", .editsOn, 0.5), EvalMeasurement(.validity, "b", .editsOn, 1),
            EvalMeasurement(.validity, "a", .editsOn, 1.0), EvalMeasurement(.validity, "a", nil, 0.2),
        ])
        #expect(pooled == [EvalMeasurement(.validity, "a", .editsOn, 0.75), EvalMeasurement(.validity, "b", .editsOn, 1),
                           EvalMeasurement(.validity, "a", nil, 0.2)])
    }

    @Test func reportAggregatesTrainingSeeds() throws {
        let models = [0.5, 0.7, 0.9].enumerated().map { k, v in
            EvaluatedModel(kind: .correction, path: "c\(k)", measurements: [EvalMeasurement(.validity, "greedy", .editsOn, v)])
        } + [EvaluatedModel(kind: .maskOnly, path: "m0", measurements: [EvalMeasurement(.validity, "greedy", .editsOff, 0.25)])]
        let report = EvalReport(task: "palindrome", settings: EvalSettings(), models: models)
        let cell = try #require(report.cells.first { $0.kind == .correction })
        #expect(abs(cell.mean - 0.7) < 1e-12 && cell.perSeed == [0.5, 0.7, 0.9])
        let half = 4.303 * 0.2 / 3.0.squareRoot()
        #expect(abs((cell.interval?.upperBound ?? 0) - (0.7 + half)) < 1e-9)
        #expect(report.markdown.contains("| greedy | 0.250 | 0.700 [0.203, 1.197] (0.500, 0.700, 0.900) |"))
        let json = try JSONValue.parse(report.json.serialized)
        #expect(json["results"]?.arrayValue?.count == 2)
        #expect(json["results"]?.arrayValue?.first?["per_seed"]?.arrayValue?.count == 3)
    }
}
