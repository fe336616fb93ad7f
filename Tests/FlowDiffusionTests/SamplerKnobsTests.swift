import FlowCore
import Testing
@testable import FlowDiffusion

@Suite struct SamplerKnobsTests {
    @Test func defaultsAreValid() throws {
        try SamplerKnobs().validate(contextLength: 512)
        try SamplerKnobs.llada.validate(contextLength: 512)
    }

    /// Sets one knob (by its user-facing name) to a bad value.
    private static func spoil(_ name: String, _ k: inout SamplerKnobs) {
        switch name {
        case "tau_edit": k.tauEdit = 1.5
        case "tau_unmask": k.tauUnmask = -0.1
        case "delta": k.delta = 2
        case "phi": k.editGate = 1.01
        case "length": k.answerLength = 600
        case "steps": k.steps = 0
        case "max_edits": k.maxEditsPerStep = -1
        case "temperature": k.temperature = 0
        case "top_k": k.topK = 0
        case "cooldown": k.cooldown = -2
        default: Issue.record("unknown knob \(name)")
        }
    }

    @Test(arguments: [
        ("tau_edit", "tau_edit 1.5 is outside [0, 1]"),
        ("tau_unmask", "tau_unmask -0.1 is outside [0, 1]"),
        ("delta", "delta 2.0 is outside [0, 1]"),
        ("phi", "phi 1.01 is outside [0, 1]"),
        ("length", "length 600 exceeds the model's context 512"),
        ("steps", "steps 0 must be at least 1"),
        ("max_edits", "max_edits -1 must be at least 0"),
        ("temperature", "temperature 0.0 is outside (0, 100]"),
        ("top_k", "top_k 0 is outside [1, 32]"),
        ("cooldown", "cooldown -2 must be at least 0"),
    ])
    func badKnobsGiveOneLineErrors(name: String, message: String) {
        var k = SamplerKnobs()
        Self.spoil(name, &k)
        do {
            try k.validate(contextLength: 512)
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.description.hasPrefix(message))
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func canvasBeyondTheContextIsRejected() {
        var k = SamplerKnobs()
        k.answerLength = 500
        #expect(throws: DiffusionError.invalidKnob("prompt and length 500 make 520 tokens, beyond the model's context 512")) {
            try k.validate(contextLength: 512, canvasLength: 520)
        }
    }

    @Test func refinerRejectsMoreBlocksThanSteps() throws {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 1, vocabularySize: 32))
        let settings = knobs(steps: 2, length: 12) { $0.blockLength = 4 }
        #expect(throws: DiffusionError.invalidKnob("steps 2 is fewer than the 3 blocks of block_length 4")) {
            _ = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: settings)
        }
    }

    @Test func refinerRejectsCanvasesLongerThanTheContext() throws {
        let denoiser = ScriptedDenoiser(contextLength: 10, script: randomLogits(seed: 1, vocabularySize: 32))
        #expect(throws: DiffusionError.self) {
            _ = try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 12), knobs: knobs(steps: 4, length: 12))
        }
    }

    @Test func brokenDenoiserOutputIsAnErrorNotATrap() throws {
        let nan = ScriptedDenoiser(script: { tokens in [Float](repeating: .nan, count: tokens.count * 32) })
        let refiner = try Refiner(denoiser: nan, canvas: try makeCanvas(answer: 4), knobs: knobs(steps: 2, length: 4))
        #expect(throws: DiffusionError.denoiser("non-finite logits at position 0")) { try refiner.step() }
        let shortRows = ShortDenoiser()
        let other = try Refiner(denoiser: shortRows, canvas: try makeCanvas(answer: 4), knobs: knobs(steps: 2, length: 4))
        #expect(throws: DiffusionError.self) { try other.step() }
    }
}

/// Returns one row too few.
private final class ShortDenoiser: Denoiser {
    let vocabularySize = 32, contextLength = 64
    let specialTokens = testSpecials
    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        canvases.map { LogitMatrix(rows: $0.count - 1, vocabularySize: 32) }
    }
}
