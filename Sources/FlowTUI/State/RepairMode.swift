import FlowCore
import FlowDiffusion

/// How hard repair mode damages a text: the fractions of its tokens substituted and masked, as
/// `flowlm generate --repair --substitute --mask` takes them.
public struct DamageRates: Sendable, Hashable {
    public var substitute: Double
    public var mask: Double
    public init(substitute: Double = Damage.defaultSubstituteRate, mask: Double = Damage.defaultMaskRate) {
        self.substitute = substitute; self.mask = mask
    }
}

/// The text repair mode damages: literal text (`--repair`, which the app's tokenizer encodes as generate
/// does) or the token ids of a canvas (the `R` key), taken as they are so exactly what was on screen is damaged.
public enum RepairSource: Sendable, Hashable {
    case text(String)
    case tokens([TokenID])
}

/// Repair mode: the visualizer refines a damaged text back. `source` and the seed decide the damage, so a
/// restart (`r` new seed, `l` length) damages the same text again, differently only when the seed changed.
public struct RepairMode: Sendable, Hashable {
    public var source: RepairSource
    /// The damage done to the canvas on screen; nil until the app reports the damaged canvas.
    public var damage: DamagedText?
    public init(source: RepairSource, damage: DamagedText? = nil) { self.source = source; self.damage = damage }
}

/// Where a canvas position stands against the undamaged text.
public enum RepairStatus: Sendable, Hashable {
    /// Damaged and not (yet) back to the original.
    case damaged
    /// Damaged, and now the original token again.
    case restored
    /// Undamaged, but the loop changed it: a correct token broken.
    case broken
    /// Undamaged and untouched.
    case intact
}

/// What one change at a position did to the text, for the inspector.
public struct RepairVerdict: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        case restored = "restored the original"
        case stillWrong = "still wrong"
        case broke = "broke a correct token"
        case remasked
    }
    /// The frame the change happened in.
    public var step: Int
    public var to: TokenID
    public var outcome: Outcome
}

extension RepairMode {
    /// The damage applies to this frame only when it is a frame of the damaged canvas (same length).
    func damage(for frame: StepFrame) -> DamagedText? {
        guard let damage, damage.original.count == frame.tokens.count else { return nil }
        return damage
    }

    /// Every position's standing in `frame` (nil when the frame is not of the damaged canvas). One pass, as
    /// the canvas asks for it on every redraw.
    public func statuses(in frame: StepFrame) -> [RepairStatus]? {
        guard let damage = damage(for: frame) else { return nil }
        var wasDamaged = [Bool](repeating: false, count: frame.tokens.count)
        for p in damage.substituted + damage.masked { wasDamaged[p] = true }
        return frame.tokens.indices.map { p in
            guard frame.isEditable(p) else { return .intact }
            let isOriginal = frame.tokens[p] == damage.original[p]
            if wasDamaged[p] { return isOriginal ? .restored : .damaged }
            return isOriginal ? .intact : .broken
        }
    }

    public func status(at position: Int, in frame: StepFrame) -> RepairStatus {
        guard let statuses = statuses(in: frame), statuses.indices.contains(position) else { return .intact }
        return statuses[position]
    }

    /// Damaged positions, those back to the original, and correct tokens the loop broke, in `frame`.
    public func counts(in frame: StepFrame) -> (damaged: Int, fixed: Int, broken: Int)? {
        guard let damage = damage(for: frame) else { return nil }
        let editable = frame.roles.indices.filter { frame.roles[$0].isEditable }
        let report = RepairReport(damage: damage, repaired: frame.tokens, editable: editable)
        return (report.damagedCount, report.fixed.count, report.wronglyEdited.count)
    }

    /// `repair: 5 damaged · 3 fixed · 0 broken`, the canvas title in repair mode.
    public func summary(in frame: StepFrame) -> String? {
        counts(in: frame).map { "repair: \($0.damaged) damaged · \($0.fixed) fixed · \($0.broken) broken" }
    }

    /// Every change the loop (or the user) made at `position` in `frames`, judged against the original.
    /// Freezes change nothing, so they are left out.
    public func verdicts(at position: Int, frames: ArraySlice<StepFrame>, mask: TokenID) -> [RepairVerdict] {
        guard let last = frames.last, let damage = damage(for: last), position < damage.original.count else { return [] }
        let wasDamaged = damage.damagedPositions.contains(position)
        var verdicts: [RepairVerdict] = []
        for frame in frames {
            for change in frame.changes where change.position == position && change.kind != .freeze {
                let outcome: RepairVerdict.Outcome
                if change.to == damage.original[position] { outcome = .restored }
                else if change.to == mask { outcome = .remasked }
                else { outcome = wasDamaged ? .stillWrong : .broke }
                verdicts.append(RepairVerdict(step: frame.index, to: change.to, outcome: outcome))
            }
        }
        return verdicts
    }
}
