import ArgumentParser
import FlowDiffusion

/// The sampler knobs shared by `flowlm tui` and `flowlm generate` (defaults are SamplerKnobs').
struct SamplerOptions: ParsableArguments {
    @Option(help: "llada (mask-only) or flowlm (any-position edits).") var sampler: String = "flowlm"
    @Option(help: "Answer length in tokens (default 48; a synthetic-task model's own length).") var length: Int?
    @Option(help: "Forward passes for the unmask phase.") var steps: Int = 32
    @Option(name: .customLong("block-length"), help: "Semi-autoregressive block length (0 = one block).") var blockLength: Int = 0
    @Option(help: "linear (LLaDA), cosine (MaskGIT) or threshold.") var schedule: String = "linear"
    @Option(help: "Confidence measure: probability, margin or entropy.") var confidence: String = "probability"
    @Flag(help: "Sample proposals instead of taking the argmax.") var sample = false
    @Option(help: "Softmax temperature.") var temperature: Double = 1
    @Option(name: .customLong("tau-unmask"), help: "Threshold schedule: commit every mask above this.") var tauUnmask: Double = 0.9
    @Option(name: .customLong("tau-edit"), help: "An edit needs p(alternative) ≥ tau_edit.") var tauEdit: Double = 0.5
    @Option(help: "An edit needs p(alternative) − p(current) ≥ delta.") var delta: Double = 0.1
    @Option(name: .customLong("max-edits"), help: "E: most edits per step.") var maxEdits: Int = 4
    @Option(help: "phi: edits start once this fraction of the answer is visible.") var phi: Double = 0.5
    @Flag(help: "Edits remask instead of replacing.") var remask = false
    @Option(help: "Steps a changed position stays uneditable.") var cooldown: Int = 1
    @Option(name: .customLong("cycle-window"), help: "Freeze a position that returns to a value held within N steps (0 = off).")
    var cycleWindow: Int = 6
    @Option(name: .customLong("correction-steps"), help: "Edit-only steps after the last mask is filled.") var correctionSteps: Int = 8
    @Option(help: "Seed for sampled proposals.") var seed: UInt64 = 0

    static let defaultLength = 48

    func knobs(defaultLength: Int = SamplerOptions.defaultLength) throws -> SamplerKnobs {
        var k = SamplerKnobs()
        guard let kind = SamplerKind(rawValue: sampler) else { throw ValidationError("--sampler must be llada or flowlm") }
        guard let s = UnmaskSchedule(rawValue: schedule) else { throw ValidationError("--schedule must be linear, cosine or threshold") }
        guard let c = ConfidenceMeasure(rawValue: confidence) else { throw ValidationError("--confidence must be probability, margin or entropy") }
        k.sampler = kind; k.answerLength = length ?? defaultLength; k.steps = steps; k.blockLength = blockLength; k.schedule = s
        k.confidence = c; k.proposal = sample ? .sample : .argmax; k.temperature = temperature; k.tauUnmask = tauUnmask
        k.tauEdit = tauEdit; k.delta = delta; k.maxEditsPerStep = maxEdits; k.editGate = phi
        k.editMode = remask ? .remask : .replace; k.cooldown = cooldown; k.cycleWindow = cycleWindow
        k.correctionSteps = correctionSteps; k.seed = seed
        return k
    }
}
