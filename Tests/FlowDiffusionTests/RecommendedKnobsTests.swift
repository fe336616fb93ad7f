import FlowCore
import Testing
@testable import FlowDiffusion

/// A model folder's flowlm_sampler.json: any subset of the trace's knob keys over the defaults.
@Suite struct RecommendedKnobsTests {
    @Test func aSubsetOverridesOnlyTheKnobsItNames() throws {
        let knobs = try RecommendedKnobs.parse(#"{"steps": 12, "tau_edit": 0.3, "edit_mode": "remask", "seed": 7}"#, path: "m.json")
        var expected = SamplerKnobs()
        expected.steps = 12; expected.tauEdit = 0.3; expected.editMode = .remask; expected.seed = 7
        #expect(knobs == expected)
    }

    @Test func anEmptyObjectKeepsTheBase() throws {
        var base = SamplerKnobs()
        base.answerLength = 48
        #expect(try RecommendedKnobs.parse("{}", path: "m.json", base: base) == base)
    }

    @Test(arguments: [
        (#"{"tau_edti": 0.3}"#, "m.json: unknown knob \"tau_edti\""),
        (#"{"steps": "many"}"#, "m.json: \"steps\" is not an integer"),
        (#"{"sampler": "mdlm"}"#, "m.json: \"sampler\" has an unknown value \"mdlm\" (llada, flowlm, p2)"),
        (#"{"tau_edit": 1.5}"#, "m.json: tau_edit 1.5 is outside [0, 1]"),
        (#"[1, 2]"#, "m.json: not a JSON object"),
        (#"{"steps": 3"#, "m.json: invalid JSON"),
    ])
    func badFilesNameTheFileAndTheKnob(text: String, message: String) {
        do {
            _ = try RecommendedKnobs.parse(text, path: "m.json")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    /// What `serialize` writes reads back as the same knobs, and only the chosen keys are written.
    @Test func serializeRoundTrips() throws {
        var knobs = SamplerKnobs()
        knobs.steps = 24; knobs.temperature = 0.8; knobs.proposal = .sample; knobs.tauEdit = 0.35; knobs.delta = 0.05
        let keys = ["steps", "temperature", "proposal", "tau_edit", "delta"]
        let text = RecommendedKnobs.serialize(knobs, keys: keys)
        #expect(try RecommendedKnobs.parse(text, path: "m.json") == knobs)
        let object = try JSONValue.parse(text)
        #expect(object.objectValue?.map(\.key) == SamplerKnobs.jsonKeys.filter(keys.contains), "in the trace's order")
    }

    /// The trace reader and the settings file share one table: a trace's knobs object must name every key.
    @Test func traceKnobsRequireEveryKey() {
        var knobs = SamplerKnobs()
        let problem = knobs.apply(json: .object([("steps", .number("3"))]), requireAll: true)
        #expect(problem == "missing \"sampler\"")
    }
}
