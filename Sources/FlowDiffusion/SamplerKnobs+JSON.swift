import FlowCore

/// One sampler knob, described once: its key in traces and settings files, its command-line flag and help, how it
/// reads from and writes to JSON, and the range `validate` enforces. The trace writer and reader, a model's
/// flowlm_sampler.json, validation and the CLI's help all read `SamplerKnobs.descriptors`.
public struct KnobDescriptor: Sendable {
    /// Sets the knob from a JSON value; the result is a problem to report ("{key}" stands for the key), or nil.
    typealias Reader = @Sendable (inout SamplerKnobs, JSONValue) -> String?

    public let key: String
    /// The long flag of `flowlm tui` and `flowlm generate` (without the dashes).
    public let flag: String
    public let help: String
    let read: Reader
    /// Appends the knob's value as JSON text.
    let write: @Sendable (SamplerKnobs, inout String) -> Void
    /// The knob's value as the CLI help shows a default.
    let text: @Sendable (SamplerKnobs) -> String
    /// Why the value is out of range, or nil.
    let problem: @Sendable (SamplerKnobs) -> String?

    static func integer(_ key: String, _ path: WritableKeyPath<SamplerKnobs, Int> & Sendable, flag: String? = nil,
                        in range: ClosedRange<Int> = 0...Int.max, help: String) -> KnobDescriptor {
        KnobDescriptor(key: key, flag: flag ?? key.replacingOccurrences(of: "_", with: "-"), help: help,
                       read: { knobs, value in
                           guard let n = value.intValue else { return "{key} is not an integer" }
                           knobs[keyPath: path] = n
                           return nil
                       },
                       write: { knobs, out in out += String(knobs[keyPath: path]) },
                       text: { String($0[keyPath: path]) },
                       problem: { knobs in
                           let n = knobs[keyPath: path]
                           guard !range.contains(n) else { return nil }
                           return range.upperBound == Int.max ? "\(key) \(n) must be at least \(range.lowerBound)"
                                                              : "\(key) \(n) is outside [\(range.lowerBound), \(range.upperBound)]"
                       })
    }

    /// A probability-like knob in [0, 1].
    static func unit(_ key: String, _ path: WritableKeyPath<SamplerKnobs, Double> & Sendable, flag: String? = nil,
                     help: String) -> KnobDescriptor {
        real(key, path, flag: flag, help: help) { x in (0...1).contains(x) ? nil : "\(key) \(x) is outside [0, 1]" }
    }

    static func real(_ key: String, _ path: WritableKeyPath<SamplerKnobs, Double> & Sendable, flag: String? = nil,
                     help: String, problem: @escaping @Sendable (Double) -> String?) -> KnobDescriptor {
        KnobDescriptor(key: key, flag: flag ?? key.replacingOccurrences(of: "_", with: "-"), help: help,
                       read: { knobs, value in
                           guard let x = value.doubleValue, x.isFinite else { return "{key} is not a number" }
                           knobs[keyPath: path] = x
                           return nil
                       },
                       write: { knobs, out in out += TraceWriter.number(knobs[keyPath: path]) },
                       text: { TraceWriter.number($0[keyPath: path]) },
                       problem: { problem($0[keyPath: path]) })
    }

    static func unsigned(_ key: String, _ path: WritableKeyPath<SamplerKnobs, UInt64> & Sendable, help: String) -> KnobDescriptor {
        KnobDescriptor(key: key, flag: key, help: help,
                       read: { knobs, value in
                           guard case let .number(text) = value, let n = UInt64(text) else { return "{key} is not an unsigned integer" }
                           knobs[keyPath: path] = n
                           return nil
                       },
                       write: { knobs, out in out += String(knobs[keyPath: path]) },
                       text: { String($0[keyPath: path]) },
                       problem: { _ in nil })
    }

    static func choice<T: RawRepresentable & CaseIterable & SendableMetatype>(
        _ key: String, _ path: WritableKeyPath<SamplerKnobs, T> & Sendable, flag: String? = nil, help: String
    ) -> KnobDescriptor where T.RawValue == String, T.AllCases: SendableMetatype {
        KnobDescriptor(key: key, flag: flag ?? key.replacingOccurrences(of: "_", with: "-"), help: help,
                       read: { knobs, value in
                           guard let text = value.stringValue else { return "{key} is not a string" }
                           guard let choice = T(rawValue: text) else {
                               return "{key} has an unknown value \"\(text)\" (\(T.allCases.map(\.rawValue).joined(separator: ", ")))"
                           }
                           knobs[keyPath: path] = choice
                           return nil
                       },
                       write: { knobs, out in out += "\"\(knobs[keyPath: path].rawValue)\"" },
                       text: { $0[keyPath: path].rawValue },
                       problem: { _ in nil })
    }
}

extension SamplerKnobs {
    /// Every knob, in the order traces write them.
    public static let descriptors: [KnobDescriptor] = [
        .choice("sampler", \.sampler, help: "The sampler"),
        .integer("steps", \.steps, in: 1...Int.max, help: "Forward passes for the unmask phase"),
        .integer("length", \.answerLength, help: "Answer length in tokens"),
        .integer("block_length", \.blockLength, help: "Semi-autoregressive block length (0 = one block)"),
        .choice("schedule", \.schedule, help: "linear (LLaDA), cosine (MaskGIT) or threshold"),
        .choice("confidence", \.confidence, help: "Confidence measure: probability, margin or entropy"),
        .choice("proposal", \.proposal, help: "Proposals for masked positions: argmax or sample"),
        .real("temperature", \.temperature, help: "Softmax temperature") { t in
            t > 0 && t <= SamplerKnobs.maximumTemperature && t.isFinite ? nil
                : "temperature \(t) is outside (0, \(Int(SamplerKnobs.maximumTemperature))]; use proposal argmax for greedy"
        },
        .unit("tau_unmask", \.tauUnmask, help: "Threshold schedule: commit every mask above this"),
        .unit("tau_edit", \.tauEdit, help: "An edit needs p(alternative) ≥ tau_edit"),
        .unit("delta", \.delta, help: "An edit needs p(alternative) − p(current) ≥ delta"),
        .integer("max_edits", \.maxEditsPerStep, help: "E: most edits per step"),
        .unit("phi", \.editGate, help: "phi: edits start once this fraction of the answer is visible"),
        .choice("edit_mode", \.editMode, flag: "edit-mode", help: "What an edit does: replace the token or remask it"),
        .integer("cooldown", \.cooldown, help: "Steps a changed position stays uneditable"),
        .integer("cycle_window", \.cycleWindow,
                 help: "Freeze a position that returns to a value held within N steps (0 = off)"),
        .integer("correction_steps", \.correctionSteps, help: "Edit-only steps after the last mask is filled"),
        .unsigned("seed", \.seed, help: "Seed for sampled proposals and repair damage"),
        .integer("top_k", \.topK, in: 1...SamplerKnobs.maximumTopK, help: "Candidates kept per position for display"),
    ]

    public static var jsonKeys: [String] { descriptors.map(\.key) }

    public static func descriptor(_ key: String) -> KnobDescriptor? { descriptors.first { $0.key == key } }

    /// The descriptor's help with the default it starts from (`defaults`: SamplerKnobs' unless given).
    public static func help(_ key: String, defaults: SamplerKnobs = SamplerKnobs()) -> String {
        guard let knob = descriptor(key) else { return key }
        return "\(knob.help) (default \(knob.text(defaults)))."
    }

    /// The first knob whose value is out of its range, as a message.
    func rangeProblem() -> String? {
        for knob in Self.descriptors { if let problem = knob.problem(self) { return problem } }
        return nil
    }

    /// The knobs as a JSON object under their trace keys, keeping only `keys` when given, in the table's order.
    func writeJSON(to out: inout String, keys: Set<String>? = nil, separator: String = "", indent: String = "") {
        out += "{" + separator
        var first = true
        for knob in Self.descriptors where keys?.contains(knob.key) ?? true {
            if !first { out += "," + separator }
            first = false
            out += indent + "\"\(knob.key)\":" + (indent.isEmpty ? "" : " ")
            knob.write(self, &out)
        }
        out += separator + "}"
    }

    /// Sets every knob `object` names. `requireAll` demands every key (a trace); otherwise missing keys keep
    /// their current value and unknown keys are an error, so a typo in a settings file is not silently ignored.
    /// The message names the key; the caller adds the file.
    mutating func apply(json object: JSONValue, requireAll: Bool) -> String? {
        guard let members = object.objectValue else { return "not a JSON object" }
        let known = Set(Self.jsonKeys)
        if let unknown = members.first(where: { !known.contains($0.key) }) {
            return "unknown knob \"\(unknown.key)\" (known: \(Self.jsonKeys.joined(separator: ", ")))"
        }
        for knob in Self.descriptors {
            guard let value = object[knob.key] else {
                if requireAll { return "missing \"\(knob.key)\"" }
                continue
            }
            if let problem = knob.read(&self, value) { return problem.replacingOccurrences(of: "{key}", with: "\"\(knob.key)\"") }
        }
        return nil
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
        var out = ""
        knobs.writeJSON(to: &out, keys: Set(keys), separator: "\n", indent: "  ")
        return out + "\n"
    }
}
