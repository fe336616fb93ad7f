import ArgumentParser
import FlowDiffusion

extension SamplerKind: ExpressibleByArgument {}
extension UnmaskSchedule: ExpressibleByArgument {}
extension ConfidenceMeasure: ExpressibleByArgument {}

/// The sampler knobs shared by `flowlm tui` and `flowlm generate`. A flag left out keeps the model's
/// recommended value (its flowlm_sampler.json), else SamplerKnobs' default.
struct SamplerOptions: ParsableArguments {
    @Option(help: "\(Samplers.kindsHelp).") var sampler: SamplerKind?
    @Option(help: "Answer length in tokens (default 48; a synthetic-task model's own length).") var length: Int?
    @Option(help: "Forward passes for the unmask phase (default 32).") var steps: Int?
    @Option(name: .customLong("block-length"), help: "Semi-autoregressive block length (0 = one block).") var blockLength: Int?
    @Option(help: "linear (LLaDA), cosine (MaskGIT) or threshold.") var schedule: UnmaskSchedule?
    @Option(help: "Confidence measure: probability, margin or entropy.") var confidence: ConfidenceMeasure?
    @Flag(inversion: .prefixedNo, help: "Sample proposals instead of taking the argmax.") var sample: Bool?
    @Option(help: "Softmax temperature (default 1).") var temperature: Double?
    @Option(name: .customLong("tau-unmask"), help: "Threshold schedule: commit every mask above this (default 0.9).") var tauUnmask: Double?
    @Option(name: .customLong("tau-edit"), help: "An edit needs p(alternative) ≥ tau_edit (default 0.5).") var tauEdit: Double?
    @Option(help: "An edit needs p(alternative) − p(current) ≥ delta (default 0.1).") var delta: Double?
    @Option(name: .customLong("max-edits"), help: "E: most edits per step (default 4).") var maxEdits: Int?
    @Option(help: "phi: edits start once this fraction of the answer is visible (default 0.5).") var phi: Double?
    @Flag(inversion: .prefixedNo, help: "Edits remask instead of replacing.") var remask: Bool?
    @Option(help: "Steps a changed position stays uneditable (default 1).") var cooldown: Int?
    @Option(name: .customLong("cycle-window"), help: "Freeze a position that returns to a value held within N steps (0 = off; default 6).")
    var cycleWindow: Int?
    @Option(name: .customLong("correction-steps"), help: "Edit-only steps after the last mask is filled (default 8).") var correctionSteps: Int?
    @Option(help: "Seed for sampled proposals and repair damage (default 0).") var seed: UInt64?

    static let defaultLength = 48

    /// `base` with every flag given on the command line applied. Without a recommended length, the answer
    /// is `defaultLength` long.
    func knobs(base: SamplerKnobs? = nil, defaultLength: Int = SamplerOptions.defaultLength) -> SamplerKnobs {
        var k = base ?? { var k = SamplerKnobs(); k.answerLength = defaultLength; return k }()
        func set<T>(_ value: T?, _ path: WritableKeyPath<SamplerKnobs, T>) { if let value { k[keyPath: path] = value } }
        set(sampler, \.sampler); set(length, \.answerLength); set(steps, \.steps); set(blockLength, \.blockLength)
        set(schedule, \.schedule); set(confidence, \.confidence); set(sample.map { $0 ? .sample : .argmax }, \.proposal)
        set(temperature, \.temperature); set(tauUnmask, \.tauUnmask); set(tauEdit, \.tauEdit); set(delta, \.delta)
        set(maxEdits, \.maxEditsPerStep); set(phi, \.editGate); set(remask.map { $0 ? .remask : .replace }, \.editMode)
        set(cooldown, \.cooldown); set(cycleWindow, \.cycleWindow); set(correctionSteps, \.correctionSteps); set(seed, \.seed)
        return k
    }
}
