import FlowCore
import FlowDiffusion
import FlowTUI

/// What headless generation needs from a model: the denoiser, text ↔ ids and the pieces to draw.
/// `LoadedModel.textModel` builds it from a checkpoint; tests build one around a scripted denoiser.
public struct TextModel: @unchecked Sendable {
    public var name: String
    public var denoiser: any Denoiser
    /// Literal text → ids, without special tokens (the canvas adds [CLS]/[SEP]).
    public var encode: (String) throws -> [TokenID]
    /// Ids → text, special tokens dropped.
    public var decode: ([TokenID]) -> String
    /// One token's text as drawn.
    public var pieces: PieceLookup
    /// Ids the tokenizer can show (the model's vocabulary may be padded beyond them).
    public var textVocabularySize: Int

    public init(name: String, denoiser: any Denoiser, encode: @escaping (String) throws -> [TokenID],
                decode: @escaping ([TokenID]) -> String, pieces: PieceLookup, textVocabularySize: Int) {
        self.name = name; self.denoiser = denoiser; self.encode = encode; self.decode = decode
        self.pieces = pieces; self.textVocabularySize = textVocabularySize
    }

    /// The text of a canvas without its special tokens (MASKs, if any are left, are dropped too).
    func text(of tokens: [TokenID]) -> String {
        let special = denoiser.specialTokens
        return decode(tokens.filter { !special.isReserved($0) })
    }

    /// Like `text(of:)` but every MASK shows as `[MASK]`, so a damaged text reads (and parses) as a template.
    func textShowingMasks(of tokens: [TokenID]) -> String {
        let mask = denoiser.specialTokens.mask
        return tokens.split(separator: mask, omittingEmptySubsequences: false)
            .map { text(of: Array($0)) }.joined(separator: "[MASK]")
    }
}

extension LoadedModel {
    public var textModel: TextModel {
        let tokenizer = self.tokenizer
        return TextModel(name: name, denoiser: denoiser, encode: { tokenizer.encode($0, addSpecialTokens: false).ids },
                         decode: { tokenizer.decode($0, skipSpecialTokens: true) },
                         pieces: PieceLookup { tokenizer.pieceText($0) },
                         textVocabularySize: min(tokenizer.vocabularySize, denoiser.vocabularySize))
    }
}
