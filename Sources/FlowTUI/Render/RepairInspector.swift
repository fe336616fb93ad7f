import FlowCore
import FlowDiffusion

/// The inspector's repair-mode rows for the cursor's position: whether it was damaged and how, the original
/// token, and what each change there did (restored the original, still wrong, broke a correct token).
/// Only the last few changes are listed; the history chain below shows the whole path.
func repairInspectorLines(_ state: AppState, frame: StepFrame, width: Int) -> [(text: String, role: StyleRole)] {
    let p = state.cursor
    guard let repair = state.repair, let damage = repair.damage(for: frame), frame.isEditable(p),
          let history = state.history else { return [] }
    let how = damage.masked.contains(p) ? "masked" : "substituted"
    var lines: [(text: String, role: StyleRole)]
    switch repair.status(at: p, in: frame) {
    case .damaged: lines = [("\(Markers.damaged) damaged (\(how))", .damaged)]
    case .restored: lines = [("\(Markers.restored) restored (\(how))", .restored)]
    case .broken: lines = [("\(Markers.broken) broken: was correct", .damaged)]
    case .intact: lines = [("undamaged", .muted)]
    }
    if frame.tokens[p] != damage.original[p] { lines.append(("original  \(displayName(damage.original[p], state))", .text)) }
    let verdicts = repair.verdicts(at: p, frames: history.frames.prefix(history.viewIndex + 1), mask: state.maskToken)
    for verdict in verdicts.suffix(3) {
        let text = "step \(verdict.step) → \(displayName(verdict.to, state)): \(verdict.outcome.rawValue)"
        let role: StyleRole = switch verdict.outcome {
        case .restored: .text
        case .stillWrong, .broke: .warning
        case .remasked: .muted
        }
        for (i, part) in wrapWords(text, width: max(1, width - 2)).enumerated() { lines.append((i == 0 ? part : "  " + part, role)) }
    }
    return lines
}
