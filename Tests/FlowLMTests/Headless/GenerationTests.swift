import FlowCore
import FlowDiffusion
import FlowTestSupport
import Foundation
import Testing
@testable import FlowLM

@Suite struct GenerationTests {
    private func knobs(sampler: SamplerKind = .flowlm, length: Int = 8, steps: Int = 4, seed: UInt64 = 5) -> SamplerKnobs {
        var k = SamplerKnobs()
        k.sampler = sampler; k.answerLength = length; k.steps = steps; k.seed = seed
        k.proposal = .sample  // so the seed matters
        k.tauEdit = 0.05; k.delta = 0; k.editGate = 0  // a random model's flat logits still make edits
        return k
    }

    @Test func generatesToTheEndOnATinyModel() throws {
        let model = try LoadedModel(directory: TinyModel.write(), threads: 1).textModel
        let result = try Generation.run(prompt: "abc", knobs: knobs(), model: model)
        #expect(result.summary.finished)
        #expect(result.summary.commits == 8)
        #expect(result.ids.count == 3 + 8)
        #expect(Array(result.ids.prefix(3)) == (try model.encode("abc")))
        #expect(!result.ids.contains(model.denoiser.specialTokens.mask))
        #expect(result.text == model.decode(result.ids))
        #expect(result.text.hasPrefix("abc") && result.text.count == 11)
        #expect(result.text.allSatisfy { TinyModel.symbols.contains($0) })
        #expect(result.answer == String(result.text.dropFirst(3)))
        #expect(result.summary.forwardPasses == result.steps.count)
        #expect(result.frames.count == result.steps.count + 1)
        #expect(result.finalFrame.tokens == result.summary.tokens)
        #expect(result.finalFrame == result.frames.last)

        let json = try JSONValue.parse(result.json)
        #expect(json["text"]?.stringValue == result.text)
        #expect(json["ids"]?.arrayValue?.count == 11)
        #expect(json["stats"]?["forward_passes"]?.intValue == result.summary.forwardPasses)
        #expect(json["stats"]?["commits"]?.intValue == 8)
        #expect(json["stats"]?["wall_seconds"]?.doubleValue != nil)
    }

    @Test func infillHolesAreFilledAndThePromptKept() throws {
        let model = try LoadedModel(directory: TinyModel.write(), threads: 1).textModel
        let result = try Generation.run(prompt: "ab[MASK]{{2}}h", knobs: knobs(length: 2), model: model)
        let ids = result.ids
        #expect(ids.count == 2 + 3 + 1 + 2)
        #expect(Array(ids.prefix(2)) == (try model.encode("ab")))
        #expect(ids[5] == (try model.encode("h")).first)
        #expect(result.summary.commits == 5)
    }

    @Test func sameSeedModelAndKnobsGiveByteIdenticalTraces() throws {
        let directory = try TinyModel.write()
        let out = FixturePath.temporaryDirectory("generate-trace")
        var files: [Data] = []
        for (n, seed) in [5, 5, 6].enumerated() {
            let model = try LoadedModel(directory: directory, threads: 1).textModel
            let result = try Generation.run(prompt: "abc", knobs: knobs(seed: UInt64(seed)), model: model)
            let url = out.appendingPathComponent("\(n).jsonl")
            try TraceWriter.write(result.trace, to: url)
            files.append(try Data(contentsOf: url))
            #expect(try TraceReader.read(contentsOf: url) == result.trace)
        }
        #expect(files[0] == files[1])
        #expect(files[0] != files[2])
        #expect(files[0].split(separator: UInt8(ascii: "\n")).count > 2)
    }

    @Test func promptLongerThanTheContextIsAClearError() throws {
        let model = try LoadedModel(directory: TinyModel.write(), threads: 1).textModel
        let prompt = String(repeating: "abcdefgh", count: 4)
        #expect {
            try Generation.run(prompt: prompt, knobs: knobs(length: 4), model: model)
        } throws: { error in
            "\(error)".contains("beyond the model's context \(TinyModel.contextLength)")
        }
        #expect(throws: DiffusionError.self) { try Generation.run(prompt: "a{{0}}", knobs: knobs(), model: model) }
    }
}
