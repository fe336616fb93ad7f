import Foundation
import Testing
import FlowCore
@testable import FlowTrain

/// Statistics over many draws: each objective's rates follow its schedule, and prompt, special tokens
/// and padding are never touched.
struct CorruptorTests {
    static let vocabularySize = 60

    static func corruptor(_ knobs: CorruptionKnobs) throws -> Corruptor {
        try Corruptor(knobs: knobs, specials: testSpecials, vocabularySize: vocabularySize)
    }

    /// Counts per kind and the expected counts under the schedule, over `draws` sequences.
    struct Tally {
        var masked = 0.0, substituted = 0.0, kept = 0.0, ignoredEditable = 0.0
        var expectedMasked = 0.0, expectedSubstituted = 0.0
        var editable = 0.0
    }

    static func run(_ corruptor: Corruptor, draws: Int, seed: UInt64,
                    expected: (Double) -> (mask: Double, substitute: Double)) -> Tally {
        let example = promptAnswerExample(prompt: 6, answer: 80, padding: 10)
        var rng = FlowRandom(seed: seed)
        var tally = Tally()
        for _ in 0..<draws {
            let out = corruptor.corrupt(example.ids, editable: example.editable, using: &rng)
            let (m, s) = expected(out.noiseLevel)
            let editableCount = Double(example.editable.filter { $0 }.count)
            tally.expectedMasked += m * editableCount
            tally.expectedSubstituted += s * editableCount
            tally.editable += editableCount
            for i in example.ids.indices {
                switch out.kinds[i] {
                case .masked: tally.masked += 1
                case .substituted: tally.substituted += 1
                case .kept: tally.kept += 1
                case .ignored: if example.editable[i] { tally.ignoredEditable += 1 }
                }
            }
        }
        return tally
    }

    /// Invariants that hold for every objective and every draw.
    static func checkInvariants(_ corruptor: Corruptor, draws: Int) {
        let example = promptAnswerExample(prompt: 5, answer: 30, padding: 7)
        var rng = FlowRandom(seed: 99)
        for _ in 0..<draws {
            let out = corruptor.corrupt(example.ids, editable: example.editable, using: &rng)
            #expect(out.labels == example.ids)
            for i in example.ids.indices {
                if !example.editable[i] {
                    #expect(out.input[i] == example.ids[i] && out.kinds[i] == .ignored && out.weights[i] == 0)
                }
                #expect(out.kinds[i] == .ignored || out.labels[i] != testSpecials.mask, "MASK is never a target")
                switch out.kinds[i] {
                case .masked: #expect(out.input[i] == testSpecials.mask)
                case .substituted:
                    #expect(out.input[i] != out.labels[i] && !testSpecials.isReserved(out.input[i]))
                    #expect(out.input[i] >= 0 && Int(out.input[i]) < vocabularySize)
                case .kept, .ignored: #expect(out.input[i] == out.labels[i])
                }
            }
        }
    }

    @Test(arguments: Objective.allCases)
    func invariantsHoldForEveryObjective(_ objective: Objective) throws {
        Self.checkInvariants(try Self.corruptor(CorruptionKnobs(objective: objective)), draws: 300)
    }

    @Test func lladaMasksAtRateTWithInverseTWeights() throws {
        let c = try Self.corruptor(CorruptionKnobs(objective: .llada))
        let tally = Self.run(c, draws: 1500, seed: 1) { t in (t, 0) }
        #expect(abs(tally.masked / tally.expectedMasked - 1) < 0.02)
        #expect(tally.substituted == 0 && tally.kept == 0)
        var rng = FlowRandom(seed: 5)
        let example = promptAnswerExample(prompt: 3, answer: 40, padding: 0)
        for _ in 0..<100 {
            let out = c.corrupt(example.ids, editable: example.editable, using: &rng)
            #expect(out.noiseLevel >= 1e-3 && out.noiseLevel <= 1)
            for i in out.kinds.indices where out.kinds[i] == .masked {
                #expect(out.weights[i] == Float(1 / out.noiseLevel))
            }
        }
    }

    @Test func flowlmFollowsTheHybridSchedule() throws {
        var knobs = CorruptionKnobs(objective: .flowlm)
        knobs.substitutionPeak = 0.3
        knobs.weightKept = 0.5
        let c = try Self.corruptor(knobs)
        let tally = Self.run(c, draws: 1500, seed: 2) { t in
            (t, HybridSchedule.substitutionRate(maskRate: t, peak: 0.3))
        }
        #expect(abs(tally.masked / tally.expectedMasked - 1) < 0.02)
        #expect(abs(tally.substituted / tally.expectedSubstituted - 1) < 0.03)
        #expect(tally.masked + tally.substituted + tally.kept == tally.editable, "every editable position is scored")
        // Weights follow the kind.
        var rng = FlowRandom(seed: 3)
        let example = promptAnswerExample(prompt: 2, answer: 50, padding: 0)
        let out = c.corrupt(example.ids, editable: example.editable, using: &rng)
        for i in out.kinds.indices {
            switch out.kinds[i] {
            case .masked, .substituted: #expect(out.weights[i] == 1)
            case .kept: #expect(out.weights[i] == 0.5)
            case .ignored: #expect(out.weights[i] == 0)
            }
        }
    }

    @Test func substitutionScheduleVanishesAtBothEndsAndPeaksMidway() {
        #expect(HybridSchedule.substitutionRate(maskRate: 0, peak: 0.2) == 0)
        #expect(HybridSchedule.substitutionRate(maskRate: 1, peak: 0.2) == 0)
        #expect(abs(HybridSchedule.substitutionRate(maskRate: 0.5, peak: 0.2) - 0.2) < 1e-12)
        #expect(HybridSchedule.substitutionRate(maskRate: 0.3, peak: 0.2) < 0.2)
        // Large peaks are capped so that mask + substitution never exceeds 1.
        for r in stride(from: 0.0, through: 1.0, by: 0.05) {
            #expect(r + HybridSchedule.substitutionRate(maskRate: r, peak: 1) <= 1 + 1e-12)
        }
    }

    /// A floor keeps substitutions on canvases with few masks (repair-like inputs), fading to 0 at mask rate 1.
    @Test func substitutionFloorPutsErrorsOnNearlyCleanCanvases() throws {
        #expect(abs(HybridSchedule.substitutionRate(maskRate: 0, peak: 0.2, floor: 0.1) - 0.1) < 1e-12)
        #expect(HybridSchedule.substitutionRate(maskRate: 1, peak: 0.2, floor: 0.1) == 0)
        #expect(abs(HybridSchedule.substitutionRate(maskRate: 0.5, peak: 0.2, floor: 0.1) - 0.25) < 1e-12)
        var knobs = CorruptionKnobs(objective: .flowlm)
        knobs.substitutionFloor = 0.15
        knobs.minimumNoise = 0.05
        let c = try Self.corruptor(knobs)
        let tally = Self.run(c, draws: 1500, seed: 4) { t in
            (t, HybridSchedule.substitutionRate(maskRate: t, peak: 0.2, floor: 0.15))
        }
        #expect(abs(tally.substituted / tally.expectedSubstituted - 1) < 0.03)
        #expect(abs(tally.masked / tally.expectedMasked - 1) < 0.02)
    }

    /// train_state.json written before the floor existed still decodes (floor 0), so old runs resume.
    @Test func knobsSavedBeforeTheFloorExistedStillDecode() throws {
        var knobs = CorruptionKnobs(objective: .flowlm)
        knobs.substitutionFloor = 0.2
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(knobs)) as? [String: Any])
        #expect(object["substitutionFloor"] as? Double == 0.2)
        object.removeValue(forKey: "substitutionFloor")
        let old = try JSONDecoder().decode(CorruptionKnobs.self, from: JSONSerialization.data(withJSONObject: object))
        knobs.substitutionFloor = 0
        #expect(old == knobs)
        let roundTrip = try JSONDecoder().decode(CorruptionKnobs.self, from: JSONEncoder().encode(knobs))
        #expect(roundTrip == knobs)
    }

    @Test func bertSelectsThenSplits801010() throws {
        var knobs = CorruptionKnobs(objective: .bert)
        knobs.selectionRateLow = 0.15
        knobs.selectionRateHigh = 0.15
        let c = try Self.corruptor(knobs)
        let tally = Self.run(c, draws: 2000, seed: 4) { _ in (0.15 * 0.8, 0.15 * 0.1) }
        let selected = tally.masked + tally.substituted + tally.kept
        #expect(abs(selected / (0.15 * tally.editable) - 1) < 0.03)
        #expect(abs(tally.masked / selected - 0.8) < 0.01)
        #expect(abs(tally.substituted / selected - 0.1) < 0.01)
        #expect(abs(tally.kept / selected - 0.1) < 0.01)
        #expect(tally.ignoredEditable > 0, "unselected positions are not scored")
    }

    @Test func bertSeedReferenceRangeDrawsRatesUniformly() throws {
        let c = try Self.corruptor(CorruptionKnobs(objective: .bert))
        var rng = FlowRandom(seed: 6)
        let example = promptAnswerExample(prompt: 1, answer: 10, padding: 0)
        var rates: [Double] = []
        for _ in 0..<2000 { rates.append(c.corrupt(example.ids, editable: example.editable, using: &rng).noiseLevel) }
        #expect(rates.allSatisfy { $0 >= 0.15 && $0 <= 0.99 })
        let mean = rates.reduce(0, +) / Double(rates.count)
        #expect(abs(mean - 0.57) < 0.02)
    }

    @Test func uniformSubstitutesAtRateTAndScoresEverything() throws {
        let c = try Self.corruptor(CorruptionKnobs(objective: .uniform))
        let tally = Self.run(c, draws: 1500, seed: 7) { t in (0, t) }
        #expect(tally.masked == 0)
        #expect(abs(tally.substituted / tally.expectedSubstituted - 1) < 0.02)
        #expect(tally.substituted + tally.kept == tally.editable)
    }

    @Test func sameSeedSameCorruption() throws {
        let c = try Self.corruptor(CorruptionKnobs(objective: .flowlm))
        let example = promptAnswerExample(prompt: 4, answer: 40, padding: 3)
        var a = FlowRandom(seed: 11), b = FlowRandom(seed: 11), other = FlowRandom(seed: 12)
        let x = (0..<5).map { _ in c.corrupt(example.ids, editable: example.editable, using: &a) }
        let y = (0..<5).map { _ in c.corrupt(example.ids, editable: example.editable, using: &b) }
        let z = (0..<5).map { _ in c.corrupt(example.ids, editable: example.editable, using: &other) }
        #expect(x == y)
        #expect(x != z)
    }

    @Test func reservedIdsInsideEditableSpansStayUntouched() throws {
        let c = try Self.corruptor(CorruptionKnobs(objective: .uniform))
        let ids: [TokenID] = [2, 7, 4, 9, 3, 0, 1, 8, 3]
        var rng = FlowRandom(seed: 1)
        for _ in 0..<200 {
            let out = c.corrupt(ids, editable: [Bool](repeating: true, count: ids.count), using: &rng)
            for i in ids.indices where testSpecials.isReserved(ids[i]) {
                #expect(out.input[i] == ids[i] && out.kinds[i] == .ignored)
            }
        }
    }

    @Test func badKnobsAreRefused() {
        var knobs = CorruptionKnobs(objective: .flowlm)
        knobs.substitutionPeak = 1.5
        #expect(throws: SettingError.self) { try Corruptor(knobs: knobs, specials: testSpecials, vocabularySize: 50) }
        knobs = CorruptionKnobs(objective: .bert)
        knobs.selectionRateLow = 0.9
        knobs.selectionRateHigh = 0.2
        #expect(throws: SettingError.self) { try Corruptor(knobs: knobs, specials: testSpecials, vocabularySize: 50) }
        knobs = CorruptionKnobs(objective: .llada)
        knobs.minimumNoise = 0
        #expect(throws: SettingError.self) { try Corruptor(knobs: knobs, specials: testSpecials, vocabularySize: 50) }
        #expect(throws: SettingError.self) {
            try Corruptor(knobs: CorruptionKnobs(objective: .uniform), specials: testSpecials, vocabularySize: 6)
        }
    }
}
