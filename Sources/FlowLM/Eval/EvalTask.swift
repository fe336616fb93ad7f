import Foundation
import FlowCore
import FlowDiffusion
import FlowTrain

/// One reference example the evaluation starts from: a correct canvas `[CLS] (prompt [SEP]) answer [SEP]`,
/// which positions are the answer, and the prompt text an exact checker needs.
public struct EvalItem: Sendable, Hashable {
    public var tokens: [TokenID]
    /// Answer positions, ascending (the only positions any sampler may change).
    public var answer: [Int]
    public var prompt: String
}

/// What is being evaluated: a synthetic task with an exact checker, or held-out text (no checker).
public struct EvalTask: Sendable {
    public enum Kind: Sendable, Hashable {
        case synthetic(SyntheticTaskName)
        case text
    }

    public let kind: Kind
    public let specials: SpecialTokens
    /// Ids a substitution may draw: every ordinary token of the task vocabulary or the tokenizer.
    public let substitutionVocabularySize: Int
    private let synthetic: (any SyntheticTask)?
    private let textWindows: [EvalItem]

    public var name: String {
        switch kind { case let .synthetic(task): task.rawValue; case .text: "text" }
    }
    public var hasChecker: Bool { synthetic != nil }

    /// A synthetic task. Palindromes and brackets are evaluated at their longest length (a fixed answer
    /// length L, so K = L, L/2, … are the same for every sample); addition answers keep the length of the
    /// true sum (the canvas tells the sampler how many digits to write, as a length oracle).
    public init(task: SyntheticTaskName) {
        kind = .synthetic(task)
        let made = task.makeTask()
        synthetic = made
        specials = made.vocabulary.specials
        substitutionVocabularySize = made.vocabulary.size
        textWindows = []
    }

    /// Held-out text: the validation windows of `corpus` (the training split rule) cut at `length` tokens.
    public init(corpus: URL, model: LoadedModel, length: Int) throws {
        kind = .text
        synthetic = nil
        specials = model.denoiser.specialTokens
        substitutionVocabularySize = min(model.tokenizer.vocabularySize, model.denoiser.vocabularySize)
        let documents = try TextCorpus.load(corpus)
        let windows = try TextWindows(documents: documents, encode: { model.encode($0) }, specials: specials, length: length)
        textWindows = windows.validation.filter { $0.ids.count == length }.map { example in
            EvalItem(tokens: example.ids, answer: example.editable.indices.filter { example.editable[$0] }, prompt: "")
        }
        guard !textWindows.isEmpty else {
            throw FileProblem(corpus.path, "no held-out window of \(length) tokens (the corpus is too short)")
        }
    }

    /// `count` reference examples, the same for the same seed (text: the held-out windows, cycled).
    public func items(count: Int, seed: UInt64) -> [EvalItem] {
        guard let task = synthetic else {
            return (0..<count).map { textWindows[(Int(seed % UInt64(textWindows.count)) + $0) % textWindows.count] }
        }
        var random = FlowRandom(seed: 0xE7A1_0000 &+ seed)
        let fixedLength = fixedAnswerLength
        var items: [EvalItem] = []
        while items.count < count {
            let sample = task.sample(using: &random)
            if let fixedLength, sample.answer.utf8.count != fixedLength { continue }
            let example = task.example(sample)
            items.append(EvalItem(tokens: example.ids, answer: example.editable.indices.filter { example.editable[$0] },
                                  prompt: sample.prompt))
        }
        return items
    }

    /// The answer length every palindrome/bracket sample has; nil when it varies (addition, text windows are fixed anyway).
    public var fixedAnswerLength: Int? {
        if let palindrome = synthetic as? PalindromeTask { return palindrome.lengths.upperBound }
        if let brackets = synthetic as? BracketTask { return brackets.lengths.upperBound - brackets.lengths.upperBound % 2 }
        return nil
    }

    /// Answer positions given as a short prompt in prompted generation: a quarter of the answer for
    /// prompt-free tasks (palindromes, brackets, text), none where the task has its own prompt (addition).
    public func promptedPrefix(of item: EvalItem) -> Int {
        item.prompt.isEmpty ? max(1, item.answer.count / 4) : 0
    }

    /// Whether the answer of `tokens` (a finished canvas of `item`'s shape) passes the exact checker;
    /// nil without a checker. Any non-symbol id in the answer (MASK left over, a reserved id) is invalid.
    public func isValid(_ tokens: [TokenID], item: EvalItem) -> Bool? {
        guard let task = synthetic else { return nil }
        let vocabulary = task.vocabulary
        let ids = item.answer.map { tokens[$0] }
        guard ids.allSatisfy({ vocabulary.token($0) != nil && !vocabulary.specials.isReserved($0) }) else { return false }
        return task.isCorrect(prompt: item.prompt, answer: vocabulary.decode(ids))
    }

    /// Checks that the model speaks this task's vocabulary (a task model's tokenizer is the symbol list).
    public func check(model: LoadedModel) throws {
        guard model.denoiser.specialTokens == specials || synthetic == nil else {
            throw FileProblem(model.directory.path, "its special tokens are not those of task \(name)")
        }
        guard let task = synthetic else { return }
        let vocabulary = task.vocabulary
        for id in 0..<vocabulary.size where model.tokenizer.tokenString(TokenID(id)) != vocabulary.token(TokenID(id)) {
            throw FileProblem(model.directory.appendingPathComponent("tokenizer.json").path,
                              "token \(id) is '\(model.tokenizer.tokenString(TokenID(id)) ?? "none")', task \(name) expects "
                                  + "'\(vocabulary.token(TokenID(id)) ?? "none")' (was this model trained on task:\(name)?)")
        }
        guard model.denoiser.vocabularySize >= vocabulary.size else {
            throw FileProblem(model.directory.path, "vocabulary \(model.denoiser.vocabularySize) is smaller than task \(name)'s \(vocabulary.size)")
        }
    }
}
