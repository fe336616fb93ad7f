import FlowCore
import Foundation
import Testing
@testable import FlowDiffusion

/// The one table of samplers: every trace name is registered, every registered sampler survives a trace,
/// and each one's `knobKeys` is honest.
@Suite struct SamplerRegistryTests {
    /// The first three samplers and their trace names are what existing traces and settings files say;
    /// new samplers come after them.
    @Test func theRegistryListsTheSamplersAndTheirTraceNames() throws {
        #expect(Samplers.registered.prefix(3).map(\.name) == ["llada", "flowlm", "remask"])
        #expect(SamplerKind.allCases.prefix(2).map(\.rawValue) == ["llada", "flowlm"])
        #expect(Set(Samplers.registered.map(\.name)).count == Samplers.registered.count)
        #expect(Samplers.kindsHelp.hasPrefix("llada (mask-only), flowlm (any-position edits)")
                || Samplers.kindsHelp == "llada (mask-only) or flowlm (any-position edits)")
        #expect(SamplerKind(rawValue: "no such sampler") == nil)
        // Codable as the plain string, as when it was an enum.
        #expect(String(decoding: try JSONEncoder().encode(SamplerKind.llada), as: UTF8.self) == #""llada""#)
        #expect((try? JSONDecoder().decode(SamplerKind.self, from: Data(#""no such sampler""#.utf8))) == nil)
    }

    /// Every trace name with every edit mode chooses exactly one sampler, so any trace or settings file
    /// that parses has a sampler to run it.
    @Test func everySamplerKindChoosesExactlyOneSampler() {
        for kind in SamplerKind.allCases {
            #expect(SamplerKind(rawValue: kind.rawValue) == kind)
            for mode in EditMode.allCases {
                var knobs = SamplerKnobs()
                knobs.sampler = kind
                knobs.editMode = mode
                #expect(Samplers.registered.filter { $0.isSelected(by: knobs) }.count == 1, "\(kind.rawValue) \(mode)")
            }
        }
        var remasking = SamplerKnobs.llada
        remasking.editMode = .remask
        #expect(Samplers.selected(by: remasking).name == "llada")  // the edit mode does not select LLaDA
    }

    @Test func eachSamplerRoundTripsItsTraceName() throws {
        for sampler in Samplers.registered {
            var settings = knobs(steps: 3, length: 4)
            sampler.select(in: &settings)
            #expect(Samplers.selected(by: settings).name == sampler.name)
            let refiner = try Refiner(denoiser: ScriptedDenoiser(script: randomLogits(seed: 5, vocabularySize: 32)),
                                      canvas: try makeCanvas(answer: 4), knobs: settings)
            _ = try refiner.run()
            let read = try TraceReader.parse(Array(TraceWriter.document(refiner.trace(model: "fake")).utf8), path: "t.jsonl")
            #expect(read.header.knobs.sampler == sampler.kind)
            #expect(Samplers.selected(by: read.header.knobs).name == sampler.name)
            let file = RecommendedKnobs.serialize(settings, keys: ["sampler", "edit_mode"])
            #expect(Samplers.selected(by: try RecommendedKnobs.parse(file, path: "s.json")).name == sampler.name)
        }
    }

    @Test func theMKeyOrderVisitsEverySamplerOnce() {
        var sampler = Samplers.registered[0]
        var visited: [String] = []
        for _ in Samplers.registered {
            visited.append(sampler.name)
            sampler = Samplers.after(sampler)
        }
        #expect(visited == Samplers.registered.map(\.name) && sampler.name == visited[0])
        #expect(Samplers.named("remask")?.editMode == .remask && Samplers.named("no such sampler") == nil)
    }

    /// A second valid value for every knob but the two that choose the sampler.
    private static let otherValues: [String: String] = [
        "steps": "5", "length": "9", "block_length": "3", "schedule": #""cosine""#, "confidence": #""margin""#,
        "proposal": #""sample""#, "temperature": "0.6", "tau_unmask": "0.3", "tau_edit": "0.9", "delta": "0.4",
        "max_edits": "0", "phi": "0.9", "cooldown": "3", "cycle_window": "0", "correction_steps": "1",
        "seed": "99", "top_k": "3",
    ]

    /// Changing a knob a sampler does not list in `knobKeys` leaves every step it plans unchanged.
    @Test func knobsASamplerDoesNotReadDoNotChangeItsSteps() throws {
        #expect(Set(Self.otherValues.keys) == Set(SamplerKnobs.jsonKeys).subtracting(["sampler", "edit_mode"]),
                "give a new knob a second value in otherValues")
        for sampler in Samplers.registered {
            #expect(Set(sampler.knobKeys).isSubset(of: SamplerKnobs.jsonKeys))
            var base = knobs(steps: 6, length: 10) { $0.tauEdit = 0.1; $0.delta = 0; $0.editGate = 0 }
            sampler.select(in: &base)
            let steps = try run(base)
            #expect(steps.contains { !$0.changes(of: .commit).isEmpty })
            for (key, value) in Self.otherValues where !sampler.knobKeys.contains(key) {
                var changed = base
                #expect(changed.apply(json: try JSONValue.parse("{\"\(key)\": \(value)}"), requireAll: false) == nil)
                #expect(changed != base)
                #expect(try run(changed) == steps, "\(sampler.name) reads \(key)")
            }
        }
    }

    private func run(_ settings: SamplerKnobs) throws -> [RefinementStep] {
        let denoiser = ScriptedDenoiser(script: randomLogits(seed: 11, vocabularySize: 32))
        return try Refiner(denoiser: denoiser, canvas: try makeCanvas(answer: 10), knobs: settings).run(maxSteps: 200)
    }
}
