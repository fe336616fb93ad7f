import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct DamageTests {
    private let ids: [TokenID] = [1] + (0..<400).map { TokenID(4 + $0 % 28) } + [2]
    private var editable: [Int] { Array(1...400) }

    private func damage(seed: UInt64, substitute: Double = 0.2, mask: Double = 0.1) throws -> DamagedText {
        try Damage.apply(to: ids, editable: editable, substituteRate: substitute, maskRate: mask,
                         vocabularySize: 32, specialTokens: testSpecials, seed: seed)
    }

    @Test func sameSeedSameDamage() throws {
        #expect(try damage(seed: 3) == (try damage(seed: 3)))
        #expect(try damage(seed: 3) != (try damage(seed: 4)))
    }

    @Test func substitutesAreOrdinaryAndDifferentAndOnlyInEditablePositions() throws {
        let d = try damage(seed: 7)
        for p in d.substituted {
            #expect(!testSpecials.isReserved(d.damaged[p]))
            #expect(d.damaged[p] != ids[p])
        }
        #expect(d.masked.allSatisfy { d.damaged[$0] == testSpecials.mask })
        #expect(d.damaged.first == 1 && d.damaged.last == 2)
        let untouched = Set(ids.indices).subtracting(d.damagedPositions)
        #expect(untouched.allSatisfy { d.damaged[$0] == ids[$0] })
        // Rates hold loosely at 400 positions (3 sigma of a binomial).
        let substituteSigma: Double = (400 * 0.2 * 0.8).squareRoot(), maskSigma: Double = (400 * 0.1 * 0.9).squareRoot()
        let substituted = Double(d.substituted.count), masked = Double(d.masked.count)
        #expect(abs(substituted - 80) < 3 * substituteSigma)
        #expect(abs(masked - 40) < 3 * maskSigma)
    }

    @Test(arguments: [(-0.1, 0.1), (0.5, 0.6), (0.2, 1.2)])
    func badRatesAreErrors(substitute: Double, mask: Double) {
        #expect(throws: DiffusionError.self) { try damage(seed: 1, substitute: substitute, mask: mask) }
    }

    @Test func reportCountsFixesMissesAndWrongEdits() throws {
        let d = try damage(seed: 9)
        var repaired = ids
        let missed = try #require(d.damagedPositions.first)
        repaired[missed] = d.damaged[missed]
        let wrong = try #require(editable.first { !d.damagedPositions.contains($0) })
        repaired[wrong] = ids[wrong] == 30 ? 31 : 30
        let report = RepairReport(damage: d, repaired: repaired, editable: editable)
        #expect(report.missed == [missed])
        #expect(report.wronglyEdited == [wrong])
        #expect(report.fixed.count == d.damagedPositions.count - 1)
        #expect(!report.exactRepair)
    }
}
