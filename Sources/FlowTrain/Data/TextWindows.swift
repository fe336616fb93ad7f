import FlowCore

/// Cuts a tokenized corpus into training windows of exactly `length` positions:
/// `[CLS] t₁ … t_{length−2} [SEP]`. Documents are joined into one stream with a [SEP] between them
/// (a boundary the model sees and never has to predict); the stream's tail, shorter than a full window,
/// becomes a last window padded with [PAD]. Every content token is editable.
public struct TextWindows: Sendable {
    public var train: [TrainingExample]
    public var validation: [TrainingExample]
    /// Content tokens in the stream (documents plus separators).
    public var tokenCount: Int

    public init(documents: [CorpusDocument], encode: TextEncoder, specials: SpecialTokens, length: Int,
                split: ValidationSplit = ValidationSplit()) throws(DataError) {
        guard length >= 3 else { throw DataError(path: documents.first?.path ?? "corpus", "window length \(length) is below 3") }
        var stream: [TokenID] = []
        for (k, doc) in documents.enumerated() {
            let ids: [TokenID]
            do { ids = try encode(doc.text) } catch {
                throw DataError(path: doc.path, "tokenizer failed: \(error)")
            }
            if k > 0 && !ids.isEmpty && !stream.isEmpty { stream.append(specials.sep) }
            stream.append(contentsOf: ids)
        }
        guard !stream.isEmpty else { throw DataError(path: documents.first?.path ?? "corpus", "corpus gives no tokens") }
        let content = length - 2
        var windows: [TrainingExample] = []
        var start = 0
        while start < stream.count {
            let piece = stream[start..<min(start + content, stream.count)]
            var ids = [specials.cls]
            ids.append(contentsOf: piece)
            ids.append(specials.sep)
            var editable = [false] + piece.map { !specials.isReserved($0) } + [false]
            while ids.count < length { ids.append(specials.pad); editable.append(false) }
            windows.append(TrainingExample(ids: ids, editable: editable))
            start += content
        }
        (train, validation) = split.split(windows)
        tokenCount = stream.count
    }
}
