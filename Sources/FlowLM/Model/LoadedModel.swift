import Foundation
import FlowCore
import FlowDiffusion
import FlowKernels
import FlowModel
import FlowTokenizer
import FlowTUI
import FlowTrain

/// A model directory opened for generation: the engine as a Denoiser (whichever architecture the registry
/// loaded), and its tokenizer.
public struct LoadedModel: @unchecked Sendable {
    public let directory: URL
    public let denoiser: any Denoiser
    public let tokenizer: Tokenizer
    public let modelType: String

    public var name: String { directory.lastPathComponent }

    /// `precision`: the GEMMs' number format (nil: `InferencePrecision.automatic`; fp32 where the CPU has no bf16).
    public init(directory: URL, threads: Int? = nil, precision: InferencePrecision? = nil) throws {
        let dir = try ModelDirectory(directory)
        guard dir.hasTokenizer else {
            throw FileProblem(dir.tokenizerURL.path, "file not found (generation needs the model's tokenizer.json)")
        }
        let tokenizer = try Tokenizer.load(from: dir.tokenizerURL)
        let model = try dir.loadMaskedLanguageModel(precision: precision)
        guard tokenizer.vocabularySize <= model.vocabularySize else {
            throw FileProblem(dir.tokenizerURL.path,
                              "tokenizer has \(tokenizer.vocabularySize) tokens but the model's vocabulary is \(model.vocabularySize)")
        }
        let specials = try SpecialTokenResolver(directory: directory, config: model.configSpecialTokens, tokenizer: tokenizer).resolve()
        if let bad = specials.reserved.first(where: { Int($0) >= model.vocabularySize }) {
            throw FileProblem(dir.url.path, "special token id \(bad) is outside the model's vocabulary of \(model.vocabularySize)")
        }
        let policy = threads.map { ComputePolicy(threads: $0) } ?? .allCores
        self.directory = directory
        self.tokenizer = tokenizer
        self.modelType = model.modelType
        self.denoiser = makeEngineDenoiser(model, specialTokens: specials, policy: policy)
    }

    /// Literal text to ids, without special tokens (the canvas adds [CLS]/[SEP]).
    public func encode(_ text: String) -> [TokenID] { tokenizer.encode(text, addSpecialTokens: false).ids }
}

extension LoadedModel {
    /// The knobs `flowlm tui` and `generate` start from: SamplerKnobs' defaults (with `answerLength` when given,
    /// a synthetic task's own), then the model folder's recommended settings (flowlm_sampler.json), if it has them.
    public func startingKnobs(answerLength: Int? = nil) throws -> SamplerKnobs {
        var base = SamplerKnobs()
        if let answerLength { base.answerLength = answerLength }
        let file = directory.appendingPathComponent(RecommendedKnobs.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else {
            base.sampler = Self.impliedSampler(directory: directory)
            return base
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw FileProblem(file.path, "cannot be read (\(error.localizedDescription))") }
        guard let text = String(data: data, encoding: .utf8) else { throw FileProblem(file.path, "not UTF-8") }
        return try RecommendedKnobs.parse(text, path: file.path, base: base)
    }

    /// The sampler a folder implies when it recommends none: FlowLM's any-position sampler for a model FlowLM
    /// trained with a corruption objective (its card says so), since only such a model has learned to judge
    /// visible tokens; LLaDA for a mask-only model and for any model from elsewhere (a BERT, a RoBERTa).
    static func impliedSampler(directory: URL) -> SamplerKind {
        let card = (try? String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
        switch ModelCard.objective(inCard: card) {
        case nil, .llada?: return .llada
        default: return .flowlm
        }
    }

    /// Token pieces from a model directory's tokenizer.json alone (for replaying a trace without the model).
    public static func pieces(modelDirectory: String) throws -> PieceLookup {
        let tokenizer = try Tokenizer.load(from: URL(fileURLWithPath: modelDirectory).appendingPathComponent(ModelDirectory.tokenizerName))
        return PieceLookup { tokenizer.pieceText($0) }
    }

    /// The model as the TUI sees it.
    public var tuiModel: TUIModel {
        let tokenizer = self.tokenizer
        return TUIModel(name: name, denoiser: denoiser, encode: { tokenizer.encode($0, addSpecialTokens: false).ids },
                        pieces: PieceLookup { tokenizer.pieceText($0) }, textVocabularySize: textModel.textVocabularySize)
    }
}
