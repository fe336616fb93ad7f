import Foundation
import FlowCore

/// JSON Lines of `{"prompt": "...", "response": "..."}` (the seed reference's setup): each example is
/// `[CLS] prompt [SEP] response [SEP]` and only the response is editable. Blank lines are skipped;
/// other keys are ignored; an example longer than the context is skipped and counted, not cut, since a
/// truncated response would teach the model to stop mid-answer.
public struct PromptResponseData: Sendable {
    public var train: [TrainingExample]
    public var validation: [TrainingExample]
    /// Lines holding a pair (before skips).
    public var pairCount: Int
    /// Pairs dropped because `[CLS] prompt [SEP] response [SEP]` exceeds the context length.
    public var skippedTooLong: Int

    public init(url: URL, encode: TextEncoder, specials: SpecialTokens, maximumLength: Int,
                split: ValidationSplit = ValidationSplit()) throws(DataError) {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw DataError(path: url.path, "cannot read: \((error as NSError).localizedDescription)")
        }
        let text = try TextCorpus.decodeUTF8(bytes, path: url.path)
        try self.init(text: text, path: url.path, encode: encode, specials: specials, maximumLength: maximumLength, split: split)
    }

    public init(text: String, path: String, encode: TextEncoder, specials: SpecialTokens, maximumLength: Int,
                split: ValidationSplit = ValidationSplit()) throws(DataError) {
        var examples: [TrainingExample] = []
        var pairs = 0
        var tooLong = 0
        // Split on bytes: as Characters, "\r\n" is one grapheme and would not split on "\n".
        for (index, rawLine) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let body = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let (prompt, response) = try Self.parsePair(String(decoding: body, as: UTF8.self), path: path, line: line)
            pairs += 1
            let promptIds: [TokenID], responseIds: [TokenID]
            do {
                promptIds = try encode(prompt)
                responseIds = try encode(response)
            } catch {
                throw DataError(path: path, line: line, "tokenizer failed: \(error)")
            }
            let total = promptIds.count + responseIds.count + 3
            guard total <= maximumLength else { tooLong += 1; continue }
            let ids = [specials.cls] + promptIds + [specials.sep] + responseIds + [specials.sep]
            let editable = [Bool](repeating: false, count: promptIds.count + 2)
                + responseIds.map { !specials.isReserved($0) } + [false]
            examples.append(TrainingExample(ids: ids, editable: editable))
        }
        guard pairs > 0 else { throw DataError(path: path, "no prompt/response pairs (the file is empty)") }
        guard !examples.isEmpty else {
            throw DataError(path: path, "all \(pairs) pairs are longer than the context (\(maximumLength) tokens)")
        }
        (train, validation) = split.split(examples)
        pairCount = pairs
        skippedTooLong = tooLong
    }

    static func parsePair(_ line: String, path: String, line number: Int) throws(DataError) -> (String, String) {
        let value: JSONValue
        do { value = try JSONValue.parse(line) } catch {
            throw DataError(path: path, line: number, "invalid JSON: \(error.description)")
        }
        guard value.objectValue != nil else { throw DataError(path: path, line: number, "expected a JSON object") }
        func field(_ key: String) throws(DataError) -> String {
            guard let v = value[key] else { throw DataError(path: path, line: number, "missing field \"\(key)\"") }
            guard let s = v.stringValue else { throw DataError(path: path, line: number, "field \"\(key)\" is not a string") }
            return s
        }
        return (try field("prompt"), try field("response"))
    }
}
