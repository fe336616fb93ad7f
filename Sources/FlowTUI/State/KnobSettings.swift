import FlowDiffusion

/// What colours the canvas: one of the sampler's confidence measures (changing it re-plans), or
/// p(current), which needs no re-plan because every step records it.
public enum ColorMeasure: String, Sendable, Hashable, CaseIterable {
    case probability, margin, entropy, pCurrent = "p(current)"

    /// The ramp that follows the sampler's confidence measure (the TUI's default, and `generate`'s colours).
    public init(following measure: ConfidenceMeasure) {
        self = Self.allCases.first { $0.samplerMeasure == measure }!
    }

    public var samplerMeasure: ConfidenceMeasure? {
        switch self {
        case .probability: return .probability
        case .margin: return .margin
        case .entropy: return .negativeEntropy
        case .pCurrent: return nil
        }
    }
}

/// A numeric knob the keymap can raise or lower, with its step and range (inside what
/// `SamplerKnobs.validate` accepts, so a key can never produce an invalid setting).
public enum Knob: String, Sendable, Hashable, CaseIterable {
    case tauEdit = "tau_edit", delta, tauUnmask = "tau_unmask", temperature, maxEdits = "E", steps, length

    /// Applies one step up (+1) or down (-1), clamped to the knob's range.
    public func adjust(_ knobs: inout SamplerKnobs, by direction: Int) {
        let d = Double(direction)
        func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double { (min(hi, max(lo, x)) * 100).rounded() / 100 }
        switch self {
        case .tauEdit: knobs.tauEdit = clamp(knobs.tauEdit + 0.05 * d, 0, 1)
        case .delta: knobs.delta = clamp(knobs.delta + 0.05 * d, 0, 1)
        case .tauUnmask: knobs.tauUnmask = clamp(knobs.tauUnmask + 0.05 * d, 0, 1)
        case .temperature: knobs.temperature = clamp(knobs.temperature + 0.1 * d, 0.1, 2)
        case .maxEdits: knobs.maxEditsPerStep = min(64, max(0, knobs.maxEditsPerStep + direction))
        case .steps: knobs.steps = min(1024, max(1, direction > 0 ? knobs.steps * 2 : knobs.steps / 2))
        case .length: knobs.answerLength = min(512, max(8, knobs.answerLength + 8 * direction))
        }
    }

    public func value(_ knobs: SamplerKnobs) -> String {
        switch self {
        case .tauEdit: return format(knobs.tauEdit)
        case .delta: return format(knobs.delta)
        case .tauUnmask: return format(knobs.tauUnmask)
        case .temperature: return format(knobs.temperature, digits: 1)
        case .maxEdits: return "\(knobs.maxEditsPerStep)"
        case .steps: return "\(knobs.steps)"
        case .length: return "\(knobs.answerLength)"
        }
    }

    /// Length changes the canvas itself, so it restarts; the others re-plan the current step.
    public var restarts: Bool { self == .length }
}

/// Fixed-point text for a knob or probability (`0.50`), without Foundation's locale-dependent formatting.
func format(_ x: Double, digits: Int = 2) -> String {
    guard x.isFinite else { return "–" }
    var scale = 1.0
    for _ in 0..<max(0, digits) { scale *= 10 }
    let scaled = Int((abs(x) * scale).rounded())
    let whole = scaled / Int(scale), fraction = scaled % Int(scale)
    var fractionText = String(fraction)
    while fractionText.count < digits { fractionText = "0" + fractionText }
    let sign = x < 0 && scaled != 0 ? "-" : ""
    return digits > 0 ? "\(sign)\(whole).\(fractionText)" : "\(sign)\(whole)"
}
