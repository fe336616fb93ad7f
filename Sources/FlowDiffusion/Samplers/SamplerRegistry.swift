/// Every sampler the loop, the trace, `--sampler` and the TUI know, in the order the `m` key cycles them.
/// Adding a sampler: one file with a type conforming to `Sampler`, and one line here.
public enum Samplers {
    public static let registered: [any Sampler] = [
        LLaDASampler(),
        FlowLMSampler(),
        RemaskSampler(),
        PathPlanningSampler(),
    ]

    /// The A/B view's two sides: the mask-only baseline against the sampler that edits.
    public static let compared: [any Sampler] = [LLaDASampler(), FlowLMSampler()]

    /// The sampler the knobs choose. Every `SamplerKind` with every edit mode chooses exactly one
    /// (`SamplerRegistryTests`), so a miss is a sampler declared without its registration line.
    public static func selected(by knobs: SamplerKnobs) -> any Sampler {
        guard let sampler = registered.first(where: { $0.isSelected(by: knobs) }) else {
            preconditionFailure("no registered sampler for sampler \(knobs.sampler.rawValue), edit_mode \(knobs.editMode.rawValue)")
        }
        return sampler
    }

    public static func named(_ name: String) -> (any Sampler)? { registered.first { $0.name == name } }

    /// The next sampler after `sampler` in the registry's order, wrapping around.
    public static func after(_ sampler: any Sampler) -> any Sampler {
        let index = registered.firstIndex { $0.name == sampler.name } ?? -1
        return registered[(index + 1) % registered.count]
    }

    /// "llada, flowlm, remask": the names, for help texts.
    public static var names: String { registered.map(\.name).joined(separator: ", ") }

    /// "llada (mask-only) or flowlm (any-position edits)": each trace kind with its first sampler's summary.
    public static var kindsHelp: String {
        let parts = SamplerKind.allCases.compactMap { kind in
            registered.first { $0.kind == kind }.map { "\(kind.rawValue) (\($0.summary))" }
        }
        guard parts.count > 1 else { return parts.joined() }
        return parts.dropLast().joined(separator: ", ") + " or " + parts[parts.count - 1]
    }
}
