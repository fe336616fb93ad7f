import ArgumentParser
import Foundation
import FlowLM
import FlowTokenizer

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show the token ids, token strings and character offsets of a text.")

    @Option(help: "A model directory holding tokenizer.json.") var model: String?
    @Option(help: "A tokenizer.json file (overrides --model).") var tokenizer: String?
    @Flag(help: "Print JSON {ids, tokens, offsets} instead of a table.") var json = false
    @Flag(name: .customLong("no-special-tokens"), help: "Do not add the template's special tokens.") var noSpecialTokens = false
    @Argument(help: "The text to tokenize.") var text: String

    func validate() throws {
        if model == nil && tokenizer == nil { throw ValidationError("give --model DIR or --tokenizer FILE") }
    }

    func run() throws {
        let url = try TokenizerTools.tokenizerURL(model: model, tokenizer: tokenizer)
        let loaded = try Tokenizer.load(from: url)
        let encoding = loaded.encode(text, addSpecialTokens: !noSpecialTokens)
        print(json ? TokenizerTools.json(encoding) : TokenizerTools.table(encoding, text: text))
    }
}

struct TokenizerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenizer",
        abstract: "Tokenizer utilities.",
        subcommands: [TokenizerTrainCommand.self])
}

struct TokenizerTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a byte-level BPE tokenizer (specials [PAD] [UNK] [CLS] [SEP] [MASK]) that HF tokenizers loads.")

    @Option(name: .customLong("input"), parsing: .upToNextOption, help: "Training text files, one sequence per line.")
    var inputs: [String]
    @Option(help: "Target vocabulary size, specials and the 256 byte tokens included.") var vocabSize: Int
    @Option(help: "Merge only pairs seen at least this often.") var minFrequency = 2
    @Option(help: "Where to write tokenizer.json.") var out: String

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one --input FILE") }
        if vocabSize < 1 { throw ValidationError("--vocab-size must be positive") }
        if minFrequency < 0 { throw ValidationError("--min-frequency must not be negative") }
    }

    func run() throws {
        print(try TokenizerTools.train(inputs: inputs, vocabularySize: vocabSize, minFrequency: minFrequency, output: out))
    }
}
