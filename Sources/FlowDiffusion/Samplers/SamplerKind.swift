/// The trace's `sampler` value (also `--sampler` and a model's flowlm_sampler.json). The registered samplers
/// define the values, so a new sampler declares its own in its own file (`extension SamplerKind { static let
/// … }`) and a name no registered sampler uses does not parse.
public struct SamplerKind: RawRepresentable, Sendable, Hashable, Codable, CaseIterable {
    public let rawValue: String

    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    /// For a sampler's own declaration of its kind.
    init(declaring name: String) { rawValue = name }

    /// The kinds of the registered samplers, in registration order.
    public static var allCases: [SamplerKind] {
        var kinds: [SamplerKind] = []
        for sampler in Samplers.registered where !kinds.contains(sampler.kind) { kinds.append(sampler.kind) }
        return kinds
    }
}
