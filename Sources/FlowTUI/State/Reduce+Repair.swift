import FlowCore
import FlowDiffusion

/// Repair mode in reduce: `R` damages what is on screen and restarts on it; the app computes the damage
/// (deterministic in the text, the rates and the seed) and posts `repairStarted`.
extension AppState {
    /// `R`: damage the viewed frame's text (or the prompt, before any text is visible) and refine it back.
    mutating func enterRepairMode() -> [Effect] {
        guard hasModel else {
            setStatus("no model loaded: repair mode needs one", error: true)
            return []
        }
        guard let source = textOnScreen() else {
            setStatus("nothing to repair: no text on the canvas or in the prompt", error: true)
            return []
        }
        repair = RepairMode(source: source)
        return restart()
    }

    /// The visible text of the viewed frame as token ids (no [CLS]/[SEP], no masks), taken as they are
    /// rather than decoded and re-encoded, so the damage lands on exactly the tokens shown. Before any
    /// text is visible, the prompt's literal text (its holes left out).
    func textOnScreen() -> RepairSource? {
        if let frame = currentFrame {
            let ids = frame.tokens.indices
                .filter { $0 < frame.roles.count && frame.roles[$0] != .special && frame.tokens[$0] != maskToken }
                .map { frame.tokens[$0] }
            if !ids.isEmpty { return .tokens(ids) }
        }
        let segments = (try? PromptTemplate.parse(prompt)) ?? [.text(prompt)]
        let text = segments.map { segment -> String in
            if case let .text(literal) = segment { return literal }
            return ""
        }.joined()
        return text.allSatisfy(\.isWhitespace) ? nil : .text(text)
    }

    /// The damaged canvas arrived: it becomes the history's frame 0. The length knob follows the text, as
    /// `flowlm generate --repair` sets it, so a saved trace records what ran.
    mutating func startRepair(generation: Int, frame: StepFrame, damage: DamagedText) {
        guard generation == self.generation, repair != nil else { return }
        busy.remove(.main)
        history = History(start: frame)
        traceRefusal = nil
        repair?.damage = damage
        knobs.answerLength = frame.knobs.answerLength
        moveCursor(to: frame.roles.firstIndex { $0.isEditable } ?? 0)
        let parts = [damage.substituted.isEmpty ? nil : "\(damage.substituted.count) substituted",
                     damage.masked.isEmpty ? nil : "\(damage.masked.count) masked"].compactMap { $0 }
        let what = parts.isEmpty ? "nothing damaged" : parts.joined(separator: ", ")
        setStatus("repair: \(what) · seed \(knobs.seed) · r new damage")
    }

    /// What "done" says: in repair mode, how far the text came back.
    var doneMessage: String {
        if let frame = currentFrame, let counts = repair?.counts(in: frame) {
            return "repair done: \(counts.fixed) of \(counts.damaged) fixed, \(counts.broken) broken"
        }
        return "done: no masks left and nothing passes the edit thresholds"
    }
}
