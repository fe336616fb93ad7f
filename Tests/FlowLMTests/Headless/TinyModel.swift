import FlowCore
import FlowModel
import FlowTestSupport
import FlowTrain
import Foundation

/// A randomly initialised two-layer ModernBERT over the symbol vocabulary "abcdefgh" (ids 5…12, specials
/// 0…4), written as a model directory with its tokenizer.json: enough for the CLI end to end in a debug build.
enum TinyModel {
    static let symbols = "abcdefgh"
    static let contextLength = 32

    static func write(seed: UInt64 = 3) throws -> URL {
        let vocabulary = try SymbolVocabulary(symbols: symbols)
        let specials = ModernBertConfig.SpecialTokenIDs(pad: 0, bos: 2, eos: 3, cls: 2, sep: 3, mask: 4)
        let config = ModernBertConfig(vocabularySize: vocabulary.size, hiddenSize: 16, intermediateSize: 32, headCount: 2,
                                      layerKinds: ModernBertConfig.layerKinds(count: 2, globalEvery: 2),
                                      localAttention: 8, maxPositions: contextLength, specialTokens: specials)
        let directory = FixturePath.temporaryDirectory("tiny-model").appendingPathComponent("tiny")
        try ModernBertModel.randomlyInitialized(config: config, seed: seed).save(to: directory)
        try vocabulary.writeTokenizer(to: directory.appendingPathComponent(ModelDirectory.tokenizerName))
        return directory
    }
}
