/// A named slice of the parameter arena (the model's named views map onto these).
public struct ParameterSlice: Sendable, Equatable {
    public var name: String
    public var range: Range<Int>
    public init(name: String, range: Range<Int>) { self.name = name; self.range = range }
}

/// Which parameters get weight decay (docs/DECISIONS.md, "Weight decay"): as the HF Trainer groups them,
/// matrices and embeddings decay; biases and normalisation weights do not (decaying a LayerNorm gain
/// toward 0 fights the normalisation, and a bias has no scale to regularise).
public enum WeightDecayRule {
    public static func decays(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower.hasSuffix("bias") { return false }
        let components = lower.split(separator: ".")
        return !components.contains { $0.hasSuffix("norm") || $0 == "ln" || $0.hasPrefix("layernorm") }
    }

    /// The ranges of `slices` that decay under `rule`, merged where adjacent.
    public static func decayRanges(_ slices: [ParameterSlice], rule: (String) -> Bool = decays) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for s in slices.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) where rule(s.name) && !s.range.isEmpty {
            if let last = out.last, last.upperBound == s.range.lowerBound {
                out[out.count - 1] = last.lowerBound..<s.range.upperBound
            } else {
                out.append(s.range)
            }
        }
        return out
    }
}
