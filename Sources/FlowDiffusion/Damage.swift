import FlowCore

/// A reproducibly damaged text for repair mode, and where the damage went.
public struct DamagedText: Sendable, Hashable {
    public var original: [TokenID]
    public var damaged: [TokenID]
    /// Positions given a random ordinary token different from the original.
    public var substituted: [Int]
    /// Positions set to MASK.
    public var masked: [Int]

    public var damagedPositions: [Int] { (substituted + masked).sorted() }
}

public enum Damage {
    /// Repair mode's damage unless told otherwise (`generate --repair`, `tui --repair`, the `R` key): a fifth of
    /// the tokens substituted and a tenth masked, so a run shows both corrections and commits.
    public static let defaultSubstituteRate = 0.2
    public static let defaultMaskRate = 0.1

    /// Each editable position independently becomes MASK with probability `maskRate`, else a random
    /// ordinary token (never reserved, never the original) with probability `substituteRate`.
    /// Same seed, same damage. Positions outside `editable` are never touched.
    public static func apply(to ids: [TokenID], editable: [Int], substituteRate: Double, maskRate: Double,
                             vocabularySize: Int, specialTokens: SpecialTokens, seed: UInt64) throws(DiffusionError) -> DamagedText {
        guard substituteRate >= 0, substituteRate <= 1 else { throw .invalidDamage("substitute rate \(substituteRate) is outside [0, 1]") }
        guard maskRate >= 0, maskRate <= 1 else { throw .invalidDamage("mask rate \(maskRate) is outside [0, 1]") }
        guard substituteRate + maskRate <= 1 else {
            throw .invalidDamage("substitute rate \(substituteRate) + mask rate \(maskRate) exceed 1")
        }
        guard vocabularySize > 0 else { throw .invalidDamage("vocabulary size \(vocabularySize) must be positive") }
        let ordinary = (0..<vocabularySize).filter { !specialTokens.isReserved(TokenID($0)) }
        guard ordinary.count >= 2 else { throw .invalidDamage("the vocabulary has fewer than two ordinary tokens to substitute") }
        for p in editable where !ids.indices.contains(p) {
            throw .invalidDamage("editable position \(p) is outside the \(ids.count) tokens")
        }
        var random = FlowRandom(seed: seed)
        var result = DamagedText(original: ids, damaged: ids, substituted: [], masked: [])
        for p in editable.sorted() {
            let u = random.nextDouble()
            if u < maskRate {
                result.damaged[p] = specialTokens.mask
                result.masked.append(p)
            } else if u < maskRate + substituteRate {
                var pick = TokenID(ordinary[random.nextInt(below: ordinary.count)])
                while pick == ids[p] { pick = TokenID(ordinary[random.nextInt(below: ordinary.count)]) }
                result.damaged[p] = pick
                result.substituted.append(p)
            }
        }
        return result
    }
}

/// A text's canvas for repair: `[CLS] text [SEP]` with every text token editable, damaged by `Damage.apply`.
/// `flowlm generate --repair` and the visualizer's repair mode both start here, so the same text, rates and seed
/// give them the same damage.
public struct RepairCanvas: Sendable {
    public let canvas: Canvas
    public let damage: DamagedText
    /// The text's canvas positions (1...n, after [CLS]).
    public let editable: [Int]

    public init(text ids: [TokenID], substituteRate: Double, maskRate: Double, vocabularySize: Int,
                specialTokens: SpecialTokens, seed: UInt64) throws(DiffusionError) {
        guard !ids.isEmpty else { throw .invalidPrompt("the text to repair has no tokens") }
        let original = [specialTokens.cls] + ids + [specialTokens.sep]
        editable = Array(1...ids.count)
        damage = try Damage.apply(to: original, editable: editable, substituteRate: substituteRate, maskRate: maskRate,
                                  vocabularySize: vocabularySize, specialTokens: specialTokens, seed: seed)
        canvas = try Canvas.repair(tokens: damage.damaged, editable: editable, specialTokens: specialTokens)
    }
}

/// How well a refinement undid the damage.
public struct RepairReport: Sendable, Hashable {
    /// Damaged positions whose final token is the original again.
    public var fixed: [Int]
    /// Damaged positions still wrong at the end.
    public var missed: [Int]
    /// Substituted positions the loop changed at all (found), fixed or not.
    public var substitutionsFound: [Int]
    /// Positions that were correct but ended up different.
    public var wronglyEdited: [Int]
    public var damagedCount: Int

    public var exactRepair: Bool { missed.isEmpty && wronglyEdited.isEmpty }
    public var fixedRate: Double { damagedCount == 0 ? 1 : Double(fixed.count) / Double(damagedCount) }

    public init(damage: DamagedText, repaired: [TokenID], editable: [Int]) {
        let damaged = Set(damage.damagedPositions)
        fixed = damage.damagedPositions.filter { repaired[$0] == damage.original[$0] }
        missed = damage.damagedPositions.filter { repaired[$0] != damage.original[$0] }
        substitutionsFound = damage.substituted.filter { repaired[$0] != damage.damaged[$0] }
        wronglyEdited = editable.sorted().filter { !damaged.contains($0) && repaired[$0] != damage.original[$0] }
        damagedCount = damaged.count
    }
}
