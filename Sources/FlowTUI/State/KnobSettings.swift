/// Which sampler the visualizer drives.
public enum SamplerChoice: String, Sendable, Hashable, CaseIterable {
    case llada, flowlm, remask
}

/// How a position's confidence is scored; higher always means surer.
public enum ConfidenceChoice: String, Sendable, Hashable, CaseIterable {
    case probability, margin, entropy, pCurrent = "p(current)"
}

/// The knobs the user tweaks live, as the UI edits them (with their steps and limits). The app layer
/// maps these onto FlowDiffusion's sampler knobs; length and seed live here because changing them restarts.
public struct KnobSettings: Sendable, Hashable {
    public var sampler: SamplerChoice = .flowlm
    public var measure: ConfidenceChoice = .probability
    public var tauEdit: Double = 0.5
    public var delta: Double = 0.1
    public var tauUnmask: Double = 0.9
    public var temperature: Double = 0
    public var maxEdits: Int = 2
    public var steps: Int = 32
    public var length: Int = 48
    public var seed: UInt64 = 0

    public init() {}

    /// True when a sampler would plan a step differently under `other` (these changes re-plan).
    public func plansDifferently(from other: KnobSettings) -> Bool {
        sampler != other.sampler || measure != other.measure || tauEdit != other.tauEdit || delta != other.delta
            || tauUnmask != other.tauUnmask || temperature != other.temperature || maxEdits != other.maxEdits
            || steps != other.steps
    }
}

/// A numeric knob the keymap can raise or lower, with its step and range.
public enum Knob: String, Sendable, Hashable, CaseIterable {
    case tauEdit = "tau_edit", delta, tauUnmask = "tau_unmask", temperature, maxEdits = "E", steps, length

    /// Applies one step up (+1) or down (-1), clamped to the knob's range.
    public func adjust(_ knobs: inout KnobSettings, by direction: Int) {
        let d = Double(direction)
        func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double { (min(hi, max(lo, x)) * 100).rounded() / 100 }
        switch self {
        case .tauEdit: knobs.tauEdit = clamp(knobs.tauEdit + 0.05 * d, 0, 1)
        case .delta: knobs.delta = clamp(knobs.delta + 0.05 * d, 0, 1)
        case .tauUnmask: knobs.tauUnmask = clamp(knobs.tauUnmask + 0.05 * d, 0, 1)
        case .temperature: knobs.temperature = clamp(knobs.temperature + 0.1 * d, 0, 2)
        case .maxEdits: knobs.maxEdits = min(64, max(0, knobs.maxEdits + direction))
        case .steps: knobs.steps = min(1024, max(1, direction > 0 ? knobs.steps * 2 : knobs.steps / 2))
        case .length: knobs.length = min(512, max(8, knobs.length + 8 * direction))
        }
    }

    public func value(_ knobs: KnobSettings) -> String {
        switch self {
        case .tauEdit: return format(knobs.tauEdit)
        case .delta: return format(knobs.delta)
        case .tauUnmask: return format(knobs.tauUnmask)
        case .temperature: return format(knobs.temperature)
        case .maxEdits: return "\(knobs.maxEdits)"
        case .steps: return "\(knobs.steps)"
        case .length: return "\(knobs.length)"
        }
    }

    /// Restarting knobs change the canvas itself; the others re-plan the current step.
    public var restarts: Bool { self == .length }
}

func format(_ x: Double, digits: Int = 2) -> String {
    guard x.isFinite else { return "–" }
    let scale = digits == 1 ? 10.0 : (digits == 3 ? 1000.0 : 100.0)
    let r = (x * scale).rounded() / scale
    var text = "\(r)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
    } else { text += "." + String(repeating: "0", count: digits) }
    return text
}
