import FlowCore
@testable import FlowDiffusion

/// Small vocabulary shared by the tests: pad 0, cls 1, sep 2, mask 3; ordinary tokens 4..<vocabularySize.
let testSpecials = SpecialTokens(pad: 0, cls: 1, sep: 2, mask: 3)

/// A denoiser whose logits come from a closure of the canvas, counting its forward passes.
final class ScriptedDenoiser: Denoiser {
    let vocabularySize: Int
    let contextLength: Int
    let specialTokens: SpecialTokens
    let script: ([TokenID]) -> [Float]
    private(set) var calls = 0

    init(vocabularySize: Int = 32, contextLength: Int = 128, specialTokens: SpecialTokens = testSpecials,
         script: @escaping ([TokenID]) -> [Float]) {
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.specialTokens = specialTokens
        self.script = script
    }

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        calls += canvases.count
        return canvases.map { LogitMatrix(rows: $0.count, vocabularySize: vocabularySize, values: script($0)) }
    }
}

/// Logits that are a fixed pseudo-random function of the whole canvas (so a reference implementation
/// sees the same numbers), with reserved ids made very attractive to catch any sampler that proposes them.
func randomLogits(seed: UInt64, vocabularySize: Int, scale: Double = 3, reservedBait: Bool = true) -> ([TokenID]) -> [Float] {
    { tokens in
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for t in tokens { hash = (hash ^ UInt64(UInt32(bitPattern: t))) &* 0x0000_0100_0000_01B3 }
        var random = FlowRandom(seed: hash)
        let width = Float(2 * scale)
        var values = (0..<(tokens.count * vocabularySize)).map { _ in (random.nextFloat() - 0.5) * width }
        if reservedBait {
            for row in 0..<tokens.count {
                for id in testSpecials.reserved { values[row * vocabularySize + Int(id)] = 50 }
            }
        }
        return values
    }
}

/// Logits favouring `target[position]` with margin `strength` (a model that "knows" the answer).
func targetLogits(_ target: [TokenID], vocabularySize: Int, strength: Float = 6) -> ([TokenID]) -> [Float] {
    { tokens in
        var values = [Float](repeating: 0, count: tokens.count * vocabularySize)
        for row in tokens.indices where Int(target[row]) < vocabularySize {
            values[row * vocabularySize + Int(target[row])] = strength
        }
        return values
    }
}

/// A generation canvas `[CLS] prompt answer×MASK [SEP]`.
func makeCanvas(prompt: [TokenID] = [4, 5, 6], answer: Int) throws -> Canvas {
    try Canvas.generation(prompt: [.tokens(prompt)], answerLength: answer, specialTokens: testSpecials)
}

func knobs(_ sampler: SamplerKind = .flowlm, steps: Int, length: Int, _ edit: (inout SamplerKnobs) -> Void = { _ in }) -> SamplerKnobs {
    var k = SamplerKnobs()
    k.sampler = sampler
    k.steps = steps
    k.answerLength = length
    edit(&k)
    return k
}
