import FlowCore
import FlowDiffusion
import FlowTUI
import Testing
@testable import FlowLM

/// Knows the undamaged text: every position strongly prefers its original token.
private final class OracleDenoiser: Denoiser {
    let vocabularySize = 13
    let contextLength = 64
    let specialTokens = SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1)
    let original: [TokenID]

    init(original: [TokenID]) { self.original = original }

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        canvases.map { canvas in
            var matrix = LogitMatrix(rows: canvas.count, vocabularySize: vocabularySize)
            for p in canvas.indices where p < original.count { matrix[p, Int(original[p])] = 12 }
            return matrix
        }
    }
}

@Suite struct RepairTests {
    private let text = "abcdefghhgfedcbaaceg"

    private func model() -> TextModel {
        let encode: (String) -> [TokenID] = { $0.unicodeScalars.map { TokenID($0.value) - 92 } }
        let pieces = PieceLookup { $0 >= 5 ? String(UnicodeScalar(UInt8(92 + $0))) : "" }
        let denoiser = OracleDenoiser(original: [2] + encode(text) + [3])
        return TextModel(name: "oracle", denoiser: denoiser, encode: encode,
                         decode: { ids in ids.map { pieces($0) }.joined() }, pieces: pieces, textVocabularySize: 13)
    }

    private func knobs(_ sampler: SamplerKind) -> SamplerKnobs {
        var k = SamplerKnobs()
        k.sampler = sampler; k.steps = 8; k.seed = 21
        return k
    }

    @Test func anOracleRepairsEveryDamagedPositionAndTouchesNothingElse() throws {
        let outcome = try Repair.run(text: text, substituteRate: 0.3, maskRate: 0.15, knobs: knobs(.flowlm), model: model())
        #expect(!outcome.damage.substituted.isEmpty && !outcome.damage.masked.isEmpty)
        #expect(outcome.damagedText != text && outcome.damagedText.contains("[MASK]"))
        #expect(outcome.repairedText == text)
        #expect(outcome.report.exactRepair)
        #expect(outcome.report.fixed == outcome.damage.damagedPositions)
        #expect(outcome.report.substitutionsFound == outcome.damage.substituted)
        #expect(outcome.report.wronglyEdited.isEmpty)
        #expect(outcome.generation.summary.edits == outcome.damage.substituted.count)

        let json = try JSONValue.parse(outcome.json)
        #expect(json["repaired"]?.stringValue == text)
        #expect(json["exact"]?.boolValue == true)
        let fixed = json["fixed"]?.arrayValue?.compactMap(\.intValue)
        #expect(fixed == outcome.damage.damagedPositions.map { $0 - 1 }, "positions count from the first text token")
        #expect(outcome.reportLines.contains("exact repair"))

        let damaged = outcome.damagedFrame
        #expect(damaged.tokens == outcome.damage.damaged)
        #expect(damaged.changes.map(\.position) == outcome.damage.substituted)
        #expect(damaged.changes.allSatisfy { $0.kind == .edit })
    }

    @Test func llaDACannotFindSubstitutionsOnlyMasks() throws {
        let outcome = try Repair.run(text: text, substituteRate: 0.3, maskRate: 0.15, knobs: knobs(.llada), model: model())
        #expect(outcome.report.missed == outcome.damage.substituted)
        #expect(outcome.report.substitutionsFound.isEmpty)
        #expect(outcome.report.fixed == outcome.damage.masked)
        #expect(!outcome.report.exactRepair)
    }

    @Test func damageIsReproducibleBySeed() throws {
        let first = try Repair.run(text: text, substituteRate: 0.3, maskRate: 0.15, knobs: knobs(.flowlm), model: model())
        let again = try Repair.run(text: text, substituteRate: 0.3, maskRate: 0.15, knobs: knobs(.flowlm), model: model())
        var other = knobs(.flowlm)
        other.seed = 22
        let different = try Repair.run(text: text, substituteRate: 0.3, maskRate: 0.15, knobs: other, model: model())
        #expect(first.damage == again.damage)
        #expect(first.damage != different.damage)
    }

    @Test func badRatesAndEmptyTextAreErrors() {
        #expect(throws: DiffusionError.self) {
            try Repair.run(text: text, substituteRate: 0.8, maskRate: 0.3, knobs: knobs(.flowlm), model: model())
        }
        #expect(throws: DiffusionError.self) {
            try Repair.run(text: "", substituteRate: 0.2, maskRate: 0.1, knobs: knobs(.flowlm), model: model())
        }
    }
}
