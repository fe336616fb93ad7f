import FlowCore
import FlowDiffusion
import FlowTUI

/// `flowlm generate --repair`: a text damaged reproducibly, refined back, and how well that went.
/// Positions are token indices into the text (the canvas's [CLS] is not counted).
public struct RepairOutcome: Sendable {
    public var damage: DamagedText
    public var report: RepairReport
    public var generation: GenerationResult
    public var originalText: String
    public var damagedText: String
    public var repairedText: String

    /// The damaged canvas as a frame for display: intact tokens fully confident, substitutions drawn as
    /// edits at zero confidence, masks as masks.
    public var damagedFrame: StepFrame {
        let roles = generation.initialCanvas.roles
        var confidence = roles.map { $0.isEditable ? Float(1) : 0 }
        for p in damage.substituted { confidence[p] = 0 }
        let changes = damage.substituted.map { p in
            TokenChange(position: p, kind: .edit, from: damage.original[p], to: damage.damaged[p], pFrom: 1, pTo: 0,
                        reason: ChangeReason(.user, "substituted by --repair"))
        }
        return StepFrame(index: 0, tokens: damage.damaged, roles: roles, confidence: confidence, pCurrent: confidence,
                         changes: changes, knobs: generation.trace.header.knobs, forwardPasses: 0)
    }

    /// Text positions (canvas position − 1, for the leading [CLS]).
    static func textPositions(_ positions: [Int]) -> [Int] { positions.map { $0 - 1 } }

    public var json: String {
        func ints<T: BinaryInteger>(_ values: [T]) -> JSONValue { .array(values.map { .number(String($0)) }) }
        func ids(_ canvas: [TokenID]) -> JSONValue { ints(Array(canvas.dropFirst().dropLast())) }
        let value: JSONValue = .object([
            ("original", .string(originalText)), ("damaged", .string(damagedText)), ("repaired", .string(repairedText)),
            ("original_ids", ids(damage.original)), ("damaged_ids", ids(damage.damaged)),
            ("repaired_ids", ids(generation.summary.tokens)),
            ("substituted", ints(Self.textPositions(damage.substituted))), ("masked", ints(Self.textPositions(damage.masked))),
            ("fixed", ints(Self.textPositions(report.fixed))), ("missed", ints(Self.textPositions(report.missed))),
            ("substitutions_found", ints(Self.textPositions(report.substitutionsFound))),
            ("wrongly_edited", ints(Self.textPositions(report.wronglyEdited))),
            ("damaged_count", .number(String(report.damagedCount))), ("exact", .bool(report.exactRepair)),
            ("stats", generation.statsJSON),
        ])
        return value.serialized
    }

    /// The report for people: counts, then the positions behind them.
    public var reportLines: [String] {
        func list(_ positions: [Int]) -> String {
            positions.isEmpty ? "none" : Self.textPositions(positions).map(String.init).joined(separator: ", ")
        }
        let total = damage.original.count - 2
        let percent = Int((report.fixedRate * 100).rounded())
        return [
            "damage: \(damage.substituted.count) substituted, \(damage.masked.count) masked of \(total) tokens",
            "fixed \(report.fixed.count)/\(report.damagedCount) (\(percent) %): \(list(report.fixed))",
            "still wrong: \(list(report.missed))",
            "substitutions found: \(report.substitutionsFound.count)/\(damage.substituted.count): \(list(report.substitutionsFound))",
            "correct tokens wrongly edited: \(list(report.wronglyEdited))",
            report.exactRepair ? "exact repair" : "not an exact repair",
        ]
    }
}

public enum Repair {
    /// Encodes `text`, damages every text token independently (MASK with `maskRate`, else a random other
    /// token with `substituteRate`, seeded by `knobs.seed`), then runs the loop over the damaged canvas with
    /// every text position editable.
    public static func run(text: String, substituteRate: Double, maskRate: Double, knobs: SamplerKnobs, model: TextModel,
                           onStep: (StepFrame) -> Void = { _ in }) throws -> RepairOutcome {
        let ids = try model.encode(text)
        let start = try RepairCanvas(text: ids, substituteRate: substituteRate, maskRate: maskRate,
                                     vocabularySize: model.textVocabularySize, specialTokens: model.denoiser.specialTokens,
                                     seed: knobs.seed)
        let damage = start.damage
        var knobs = knobs
        knobs.answerLength = ids.count
        let generation = try Generation.run(canvas: start.canvas, knobs: knobs, model: model, onStep: onStep)
        let report = RepairReport(damage: damage, repaired: generation.summary.tokens, editable: start.editable)
        return RepairOutcome(damage: damage, report: report, generation: generation, originalText: model.text(of: damage.original),
                             damagedText: model.textShowingMasks(of: damage.damaged), repairedText: generation.text)
    }
}
