import FlowCore

/// The knobs as JSON members under their trace keys: one table read by the trace reader (every key required)
/// and by a model folder's recommended settings (any subset).
extension SamplerKnobs {
    /// Sets one knob from a JSON value; the result is a problem to report, or nil.
    typealias JSONSetter = @Sendable (inout SamplerKnobs, JSONValue) -> String?

    /// Trace key → setter, in the order the trace writer emits them.
    static let jsonSetters: [(key: String, set: JSONSetter)] = [
        ("sampler", choice(\.sampler)), ("steps", integer(\.steps)), ("length", integer(\.answerLength)),
        ("block_length", integer(\.blockLength)), ("schedule", choice(\.schedule)),
        ("confidence", choice(\.confidence)), ("proposal", choice(\.proposal)),
        ("temperature", real(\.temperature)), ("tau_unmask", real(\.tauUnmask)), ("tau_edit", real(\.tauEdit)),
        ("delta", real(\.delta)), ("max_edits", integer(\.maxEditsPerStep)), ("phi", real(\.editGate)),
        ("edit_mode", choice(\.editMode)), ("cooldown", integer(\.cooldown)), ("cycle_window", integer(\.cycleWindow)),
        ("correction_steps", integer(\.correctionSteps)), ("seed", unsigned(\.seed)), ("top_k", integer(\.topK)),
    ]

    public static var jsonKeys: [String] { jsonSetters.map(\.key) }

    /// Sets every knob `object` names. `requireAll` demands every key (a trace); otherwise missing keys keep
    /// their current value and unknown keys are an error, so a typo in a settings file is not silently ignored.
    /// The message names the key; the caller adds the file.
    mutating func apply(json object: JSONValue, requireAll: Bool) -> String? {
        guard let members = object.objectValue else { return "not a JSON object" }
        let known = Set(Self.jsonKeys)
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            return "unknown knob \"\(unknown.key)\" (known: \(Self.jsonKeys.joined(separator: ", ")))"
        }
        for (key, set) in Self.jsonSetters {
            guard let value = object[key] else {
                if requireAll { return "missing \"\(key)\"" }
                continue
            }
            if let problem = set(&self, value) { return problem.replacingOccurrences(of: "{key}", with: "\"\(key)\"") }
        }
        return nil
    }

    private static func integer(_ path: WritableKeyPath<SamplerKnobs, Int> & Sendable) -> JSONSetter {
        { knobs, value in
            guard let n = value.intValue else { return "{key} is not an integer" }
            knobs[keyPath: path] = n
            return nil
        }
    }

    private static func unsigned(_ path: WritableKeyPath<SamplerKnobs, UInt64> & Sendable) -> JSONSetter {
        { knobs, value in
            guard case let .number(text) = value, let n = UInt64(text) else { return "{key} is not an unsigned integer" }
            knobs[keyPath: path] = n
            return nil
        }
    }

    private static func real(_ path: WritableKeyPath<SamplerKnobs, Double> & Sendable) -> JSONSetter {
        { knobs, value in
            guard let x = value.doubleValue, x.isFinite else { return "{key} is not a number" }
            knobs[keyPath: path] = x
            return nil
        }
    }

    private static func choice<T: RawRepresentable & CaseIterable & SendableMetatype>(_ path: WritableKeyPath<SamplerKnobs, T> & Sendable)
        -> JSONSetter where T.RawValue == String, T.AllCases: SendableMetatype {
        { knobs, value in
            guard let text = value.stringValue else { return "{key} is not a string" }
            guard let choice = T(rawValue: text) else {
                return "{key} has an unknown value \"\(text)\" (\(T.allCases.map(\.rawValue).joined(separator: ", ")))"
            }
            knobs[keyPath: path] = choice
            return nil
        }
    }
}

/// A model's recommended sampler settings, from `flowlm_sampler.json` beside its config.json: a JSON object with
/// any subset of the trace's knob keys. `flowlm tui` and `flowlm generate` start from them; flags override them.
public enum RecommendedKnobs {
    public static let fileName = "flowlm_sampler.json"

    /// The defaults with the file's knobs applied (`text` is the file's content, `path` names it in errors).
    public static func parse(_ text: String, path: String, base: SamplerKnobs = SamplerKnobs()) throws(DiffusionError) -> SamplerKnobs {
        let object: JSONValue
        do { object = try JSONValue.parse(text) } catch { throw .invalidKnob("\(path): \(error)") }
        var knobs = base
        if let problem = knobs.apply(json: object, requireAll: false) { throw .invalidKnob("\(path): \(problem)") }
        do { try knobs.validate(contextLength: Int.max) } catch { throw .invalidKnob("\(path): \(error.description)") }
        return knobs
    }

    /// The file's JSON for the given knobs, keeping only `keys` (the settings a model recommends).
    public static func serialize(_ knobs: SamplerKnobs, keys: [String]) -> String {
        var all = ""
        TraceWriter.knobsObject(knobs, to: &all)
        guard case let .object(members)? = try? JSONValue.parse(all) else { return all }
        let kept = members.filter { keys.contains($0.key) }
        return "{\n" + kept.map { "  \"\($0.key)\": \($0.value.serialized)" }.joined(separator: ",\n") + "\n}\n"
    }
}
