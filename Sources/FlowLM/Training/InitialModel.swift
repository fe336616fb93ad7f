import Foundation
import FlowCore
import FlowModel
import FlowTokenizer
import FlowTrain

/// The ModernBERT folder `flowlm train --init` fine-tunes: its weights and shape, its tokenizer, and its special
/// tokens resolved as for generation, which the saved config then names by id (so the result stands alone).
struct InitialModel {
    let directory: URL
    let model: ModernBertModel
    let tokenizer: Tokenizer
    let tokenizerJSON: Data
    let specials: SpecialTokens

    init(_ url: URL) throws {
        let folder = try ModelDirectory(url)
        let json = try folder.loadConfigJSON()
        let architecture = try ModelRegistry.architecture(config: json, path: folder.configURL.path)
        guard architecture.modelTypes == ModelArchitecture.modernBert.modelTypes else {
            throw TrainSetupError("\(folder.configURL.path): --init fine-tunes ModernBERT folders in Swift; a \(architecture.huggingFaceClass) "
                                  + "fine-tunes with the python trainer (python/README.md)")
        }
        guard folder.hasTokenizer else {
            throw FileProblem(folder.tokenizerURL.path, "file not found (--init trains with the model's own tokenizer.json)")
        }
        tokenizerJSON = try Data(contentsOf: folder.tokenizerURL)
        tokenizer = try Tokenizer.load(from: folder.tokenizerURL)
        let loaded = try folder.loadModel()
        guard tokenizer.vocabularySize <= loaded.config.vocabularySize else {
            throw FileProblem(folder.tokenizerURL.path,
                              "tokenizer has \(tokenizer.vocabularySize) tokens but the model's vocabulary is \(loaded.config.vocabularySize)")
        }
        specials = try SpecialTokenResolver(directory: url, config: loaded.configSpecialTokens, tokenizer: tokenizer).resolve()
        var config = loaded.config
        config.specialTokens.pad = specials.pad
        config.specialTokens.cls = specials.cls
        config.specialTokens.sep = specials.sep
        config.specialTokens.mask = specials.mask
        directory = url
        model = ModernBertModel(config: config, parameters: loaded.parameters)
    }
}
