import ArgumentParser
import FlowDiffusion

extension SamplerKind: ExpressibleByArgument {}
extension UnmaskSchedule: ExpressibleByArgument {}
extension ConfidenceMeasure: ExpressibleByArgument {}

/// The sampler knobs shared by `flowlm tui` and `flowlm generate`. A flag left out keeps the model's
/// recommended value (its flowlm_sampler.json), else SamplerKnobs' default.
struct SamplerOptions: ParsableArguments {
    // Help and defaults come from the knob table (SamplerKnobs.descriptors).
    @Option(help: "\(Samplers.kindsHelp).") var sampler: SamplerKind?
    @Option(help: ArgumentHelp(SamplerKnobs.help("length") + " A synthetic-task model uses its own."))
    var length: Int?
    @Option(help: ArgumentHelp(SamplerKnobs.help("steps"))) var steps: Int?
    @Option(name: .customLong("block-length"), help: ArgumentHelp(SamplerKnobs.help("block_length"))) var blockLength: Int?
    @Option(help: ArgumentHelp(SamplerKnobs.help("schedule"))) var schedule: UnmaskSchedule?
    @Option(help: ArgumentHelp(SamplerKnobs.help("confidence"))) var confidence: ConfidenceMeasure?
    @Flag(inversion: .prefixedNo, help: "Sample proposals instead of taking the argmax.") var sample: Bool?
    @Option(help: ArgumentHelp(SamplerKnobs.help("temperature"))) var temperature: Double?
    @Option(name: .customLong("tau-unmask"), help: ArgumentHelp(SamplerKnobs.help("tau_unmask"))) var tauUnmask: Double?
    @Option(name: .customLong("tau-edit"), help: ArgumentHelp(SamplerKnobs.help("tau_edit"))) var tauEdit: Double?
    @Option(help: ArgumentHelp(SamplerKnobs.help("delta"))) var delta: Double?
    @Option(name: .customLong("max-edits"), help: ArgumentHelp(SamplerKnobs.help("max_edits"))) var maxEdits: Int?
    @Option(help: ArgumentHelp(SamplerKnobs.help("phi"))) var phi: Double?
    @Flag(inversion: .prefixedNo, help: "Edits remask instead of replacing.") var remask: Bool?
    @Option(help: ArgumentHelp(SamplerKnobs.help("cooldown"))) var cooldown: Int?
    @Option(name: .customLong("cycle-window"), help: ArgumentHelp(SamplerKnobs.help("cycle_window"))) var cycleWindow: Int?
    @Option(name: .customLong("correction-steps"), help: ArgumentHelp(SamplerKnobs.help("correction_steps")))
    var correctionSteps: Int?
    @Option(help: ArgumentHelp(SamplerKnobs.help("seed"))) var seed: UInt64?

    /// `base` (SamplerKnobs' defaults when nil) with every flag given on the command line applied.
    func knobs(base: SamplerKnobs? = nil) -> SamplerKnobs {
        var k = base ?? SamplerKnobs()
        func set<T>(_ value: T?, _ path: WritableKeyPath<SamplerKnobs, T>) { if let value { k[keyPath: path] = value } }
        set(sampler, \.sampler); set(length, \.answerLength); set(steps, \.steps); set(blockLength, \.blockLength)
        set(schedule, \.schedule); set(confidence, \.confidence); set(sample.map { $0 ? .sample : .argmax }, \.proposal)
        set(temperature, \.temperature); set(tauUnmask, \.tauUnmask); set(tauEdit, \.tauEdit); set(delta, \.delta)
        set(maxEdits, \.maxEditsPerStep); set(phi, \.editGate); set(remask.map { $0 ? .remask : .replace }, \.editMode)
        set(cooldown, \.cooldown); set(cycleWindow, \.cycleWindow); set(correctionSteps, \.correctionSteps); set(seed, \.seed)
        return k
    }
}
