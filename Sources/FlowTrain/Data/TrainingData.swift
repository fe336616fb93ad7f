import Foundation
import FlowCore

/// The synthetic tasks by name (`--data task:palindrome` and `flowlm eval --task`).
public enum SyntheticTaskName: String, Sendable, CaseIterable, Codable {
    case palindrome, dyck, addition

    /// The task with its default settings. `evaluatedLengthOnly` keeps palindromes and brackets at the one length
    /// `flowlm eval` uses (their longest); addition is evaluated over every length it trains on, so it is unchanged.
    public func makeTask(evaluatedLengthOnly: Bool = false) -> any SyntheticTask {
        // The defaults are valid by construction; `try?` cannot fail here, and a fallback keeps it total.
        switch self {
        case .palindrome:
            let longest = PalindromeTask.defaultLengths.upperBound
            if let task = try? PalindromeTask(lengths: evaluatedLengthOnly ? longest...longest : PalindromeTask.defaultLengths) {
                return task
            }
        case .dyck:
            let longest = BracketTask.defaultLengths.upperBound
            if let task = try? BracketTask(lengths: evaluatedLengthOnly ? longest...longest : BracketTask.defaultLengths) {
                return task
            }
        case .addition: if let task = try? AdditionTask() { return task }
        }
        preconditionFailure("default synthetic task settings are invalid")
    }
}

/// Training data resolved from a `--data` argument: a `.jsonl` file of prompt/response pairs, a text
/// file or folder, or `task:<name>` for a synthetic task (generated on the fly; `examples` is then a
/// fixed validation set and `train` is empty).
public struct TrainingData: Sendable {
    public enum Source: Sendable, Equatable {
        case text, promptResponse
        case synthetic(SyntheticTaskName)
    }

    public var source: Source
    public var train: [TrainingExample]
    public var validation: [TrainingExample]
    /// One line for the model card and the log, e.g. "corpus.txt: 120000 tokens in 938 windows of 128 (46 held out)".
    public var summary: String

    public static let syntheticPrefix = "task:"
    /// Size of a synthetic task's fixed validation set.
    public static let syntheticValidationCount = 512

    /// `encode` is the model's tokenizer (ignored for synthetic tasks, which bring their own vocabulary).
    public static func load(_ argument: String, encode: TextEncoder, specials: SpecialTokens, length: Int,
                            validationSeed: UInt64 = 0x5EED, evaluatedLengthOnly: Bool = false) throws(DataError) -> TrainingData {
        if argument.hasPrefix(syntheticPrefix) {
            let name = String(argument.dropFirst(syntheticPrefix.count))
            guard let taskName = SyntheticTaskName(rawValue: name) else {
                let known = SyntheticTaskName.allCases.map(\.rawValue).joined(separator: ", ")
                throw DataError(path: argument, "unknown synthetic task '\(name)' (known: \(known))")
            }
            let task = taskName.makeTask(evaluatedLengthOnly: evaluatedLengthOnly)
            var source = try SyntheticExamples(task: task, seed: validationSeed, contextLength: length)
            let validation = (0..<syntheticValidationCount).map { _ in source.next() }
            let only = evaluatedLengthOnly && taskName != .addition ? ", at its evaluated length only" : ""
            return TrainingData(source: .synthetic(taskName), train: [], validation: validation,
                                summary: "synthetic task \(task.name) (generated on the fly\(only); \(validation.count) fixed validation examples)")
        }
        let url = URL(fileURLWithPath: argument)
        if url.pathExtension.lowercased() == "jsonl" {
            let pairs = try PromptResponseData(url: url, encode: encode, specials: specials, maximumLength: length)
            let skipped = pairs.skippedTooLong > 0 ? ", \(pairs.skippedTooLong) skipped as longer than \(length) tokens" : ""
            return TrainingData(source: .promptResponse, train: pairs.train, validation: pairs.validation,
                                summary: "\(url.lastPathComponent): \(pairs.pairCount) prompt/response pairs\(skipped), "
                                    + "\(pairs.validation.count) held out for validation")
        }
        let documents = try TextCorpus.load(url)
        let windows = try TextWindows(documents: documents, encode: encode, specials: specials, length: length)
        let files = documents.count == 1 ? url.lastPathComponent : "\(url.lastPathComponent) (\(documents.count) files)"
        return TrainingData(source: .text, train: windows.train, validation: windows.validation,
                            summary: "\(files): \(windows.tokenCount) tokens in \(windows.train.count + windows.validation.count) "
                                + "windows of \(length), \(windows.validation.count) held out for validation")
    }

    /// Token counts over the editable positions of `examples` (for unigram substitutes).
    public static func unigramCounts(_ examples: [TrainingExample], vocabularySize: Int) -> [Double] {
        var counts = [Double](repeating: 0, count: vocabularySize)
        for example in examples {
            for (id, editable) in zip(example.ids, example.editable) where editable && id >= 0 && Int(id) < vocabularySize {
                counts[Int(id)] += 1
            }
        }
        return counts
    }
}
