import Testing
import FlowCore
@testable import FlowTrain

struct SubstituteSamplerTests {
    @Test func uniformCoversEveryOrdinaryTokenButTheOriginal() throws {
        let sampler = try SubstituteSampler(vocabularySize: 15, excluded: testSpecials.reserved + [9])
        #expect(sampler.ordinary == [5, 6, 7, 8, 10, 11, 12, 13, 14])
        var counts = [Int](repeating: 0, count: 15)
        var rng = FlowRandom(seed: 1)
        let draws = 40_000
        for _ in 0..<draws { counts[Int(sampler.draw(replacing: 7, using: &rng))] += 1 }
        for id in 0..<15 {
            if [0, 1, 2, 3, 4, 9, 7].contains(id) {
                #expect(counts[id] == 0, "id \(id) must never be drawn")
            } else {
                let expected = Double(draws) / 8
                #expect(abs(Double(counts[id]) / expected - 1) < 0.06, "id \(id): \(counts[id])")
            }
        }
    }

    @Test func unigramFollowsCountsAndSkipsTheOriginal() throws {
        var counts = [Double](repeating: 0, count: 10)
        counts[5] = 1; counts[6] = 3; counts[7] = 6; counts[8] = 0; counts[9] = 10
        counts[4] = 1000  // MASK's count is ignored: reserved ids are never drawn
        let sampler = try SubstituteSampler(vocabularySize: 10, excluded: testSpecials.reserved,
                                            distribution: .unigram(counts: counts))
        var seen = [Int](repeating: 0, count: 10)
        var rng = FlowRandom(seed: 2)
        let draws = 30_000
        for _ in 0..<draws { seen[Int(sampler.draw(replacing: 9, using: &rng))] += 1 }
        #expect(seen[9] == 0 && seen[8] == 0 && seen[4] == 0)
        // Renormalised without the original: 1 : 3 : 6 over 10.
        #expect(abs(Double(seen[5]) / Double(draws) - 0.1) < 0.01)
        #expect(abs(Double(seen[6]) / Double(draws) - 0.3) < 0.015)
        #expect(abs(Double(seen[7]) / Double(draws) - 0.6) < 0.015)
    }

    @Test func badUnigramCountsAreRefused() {
        #expect(throws: SettingError.self) {
            try SubstituteSampler(vocabularySize: 8, excluded: [], distribution: .unigram(counts: [1, 2]))
        }
        #expect(throws: SettingError.self) {
            try SubstituteSampler(vocabularySize: 8, excluded: testSpecials.reserved,
                                  distribution: .unigram(counts: [0, 0, 0, 0, 0, 5, 0, 0]))
        }
    }
}
