import FlowCore
import FlowDiffusion
import FlowTUI

/// A denoiser whose logits follow a fixed rule, so screens and key scripts are deterministic:
/// each position prefers one word; even positions change their mind every five visible tokens (so
/// FlowLM edits happen), and confidence grows as the canvas fills.
final class ScriptedDenoiser: Denoiser {
    static let vocabulary: [String] = [
        "<pad>", "<cls>", "<sep>", "<mask>", " the", " mind", " heart", " is", " a", " river",
        "\n", " ", "世界", " café", " 🙂", "e\u{301}", " of", " light", "\t", " sings",
    ]
    static let special = SpecialTokens(pad: 0, cls: 1, sep: 2, mask: 3)
    static let pieces = PieceLookup { id in
        id >= 0 && Int(id) < ScriptedDenoiser.vocabulary.count ? ScriptedDenoiser.vocabulary[Int(id)] : "?"
    }

    let vocabularySize = ScriptedDenoiser.vocabulary.count
    let contextLength = 512
    let specialTokens = ScriptedDenoiser.special
    private(set) var calls = 0

    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        calls += 1
        return canvases.map { canvas in
            let visible = canvas.filter { $0 != Self.special.mask }.count
            var matrix = LogitMatrix(rows: canvas.count, vocabularySize: vocabularySize)
            let words = vocabularySize - 4
            for p in canvas.indices {
                let shift = p % 2 == 0 ? (visible / 5) % 2 : 0
                let preferred = 4 + (p * 5 + shift) % words
                let runnerUp = 4 + (p * 5 + shift + 1) % words
                matrix[p, preferred] = 2 + 0.3 * Float(visible) + 0.2 * Float(p % 4)
                matrix[p, runnerUp] = 1.5
                matrix[p, Int(Self.special.mask)] = -1e9
            }
            return matrix
        }
    }

    /// Word-level encoder over the scripted vocabulary (unknown words become " the").
    static func encode(_ text: String) -> [TokenID] {
        text.split(separator: " ").map { word in
            TokenID(vocabulary.firstIndex(of: " " + word) ?? 4)
        }
    }

    static var knobs: SamplerKnobs {
        var knobs = SamplerKnobs()
        knobs.answerLength = 12
        knobs.steps = 6
        knobs.tauEdit = 0.3
        knobs.delta = 0.05
        knobs.editGate = 0.3
        knobs.seed = 7
        return knobs
    }
}
