import Foundation
import FlowCore
import FlowTokenizer

/// What `flowlm tokenize` and `flowlm tokenizer train` do, kept out of the command files.
public enum TokenizerTools {
    /// `--tokenizer FILE` wins; `--model DIR` means DIR/tokenizer.json.
    public static func tokenizerURL(model: String?, tokenizer: String?) throws -> URL {
        if let tokenizer { return URL(fileURLWithPath: tokenizer) }
        if let model { return URL(fileURLWithPath: model).appendingPathComponent("tokenizer.json") }
        throw FileProblem("tokenize", "give --model DIR or --tokenizer FILE")
    }

    /// One row per token: index, id, token string, offsets, and the input text those offsets cover.
    public static func table(_ encoding: Encoding, text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var rows = [["#", "id", "token", "offsets", "text"]]
        for i in encoding.ids.indices {
            let range = encoding.offsets[i]
            var covered = String.UnicodeScalarView()
            if range.upperBound <= scalars.count { covered.append(contentsOf: scalars[range]) }
            rows.append([String(i), String(encoding.ids[i]), escaped(encoding.tokens[i]),
                         "\(range.lowerBound)..<\(range.upperBound)", escaped(String(covered))])
        }
        var widths = [Int](repeating: 0, count: 5)
        for row in rows { for (c, cell) in row.enumerated() { widths[c] = max(widths[c], cell.unicodeScalars.count) } }
        return rows.map { row in
            row.enumerated().map { c, cell in
                c == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.unicodeScalars.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// `{"ids": [...], "tokens": [...], "offsets": [[start, end], ...]}`.
    public static func json(_ encoding: Encoding) -> String {
        let value: JSONValue = .object([
            ("ids", .array(encoding.ids.map { .number(String($0)) })),
            ("tokens", .array(encoding.tokens.map { .string($0) })),
            ("offsets", .array(encoding.offsets.map { .array([.number(String($0.lowerBound)), .number(String($0.upperBound))]) })),
        ])
        return value.serialized
    }

    /// Trains a byte-level BPE tokenizer on the lines of `inputs` and writes it; returns a one-line summary.
    public static func train(inputs: [String], vocabularySize: Int, minFrequency: Int, output: String) throws -> String {
        let start = Date()
        let trainer = BPETrainer(vocabularySize: vocabularySize, minFrequency: minFrequency)
        let tokenizer = try trainer.train(files: inputs.map { URL(fileURLWithPath: $0) })
        try tokenizer.write(to: URL(fileURLWithPath: output))
        let seconds = Date().timeIntervalSince(start)
        return "wrote \(output): \(tokenizer.vocabularySize) tokens in \(String(format: "%.2f", seconds)) s"
    }

    private static func escaped(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
