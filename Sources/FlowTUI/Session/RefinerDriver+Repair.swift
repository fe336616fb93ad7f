import FlowCore
import FlowDiffusion

/// Repair mode's start, built exactly as `flowlm generate --repair` builds it (Repair.run), so the same
/// text, rates and seed give the same damage and the same loop in the visualizer and headless.
public struct RepairStart {
    public let driver: RefinerDriver
    public let damage: DamagedText
    /// Frame 0: the damaged canvas, with the knobs the refiner runs under (length = the text's).
    public let frame: StepFrame
}

extension RefinerDriver {
    /// The damaged canvas (`RepairCanvas`: MASK with `rates.mask`, else a random ordinary token below
    /// `textVocabularySize` with `rates.substitute`, seeded by `knobs.seed`), then a Refiner over it. `encode` turns literal text into ids (the tokenizer).
    public static func startRepair(source: RepairSource, rates: DamageRates, knobs: SamplerKnobs, denoiser: any Denoiser,
                                   textVocabularySize: Int, encode: (String) throws -> [TokenID]) throws -> RepairStart {
        let ids: [TokenID]
        switch source {
        case let .text(text): ids = try encode(text)
        case let .tokens(tokens): ids = tokens
        }
        let start = try RepairCanvas(text: ids, substituteRate: rates.substitute, maskRate: rates.mask,
                                     vocabularySize: textVocabularySize, specialTokens: denoiser.specialTokens, seed: knobs.seed)
        var knobs = knobs
        knobs.answerLength = ids.count
        let driver = RefinerDriver(refiner: try Refiner(denoiser: denoiser, canvas: start.canvas, knobs: knobs))
        return RepairStart(driver: driver, damage: start.damage, frame: driver.initialFrame(knobs: knobs))
    }
}
