import Foundation
import FlowCore
import FlowModel

/// What `flowlm info` shows about a model directory, for any architecture the registry reads.
public struct ModelSummary: Sendable {
    public let directory: String
    public let modelType: String
    /// The architecture's own shape rows (`MaskedLanguageModel.summaryRows`).
    public let shapeRows: [(label: String, value: String)]
    public let specialTokens: ConfigSpecialTokens
    public let parameterCount: Int
    /// Stored element count per dtype across the weight files.
    public let storedDTypes: [DType: Int]
    public let weightsBytes: Int
    public let shardCount: Int
    public let tokenizer: TokenizerSummary?

    /// Reads config.json, the safetensors headers and tokenizer.json (when present) and binds the weights,
    /// so a summary is only shown for a model that would load.
    public init(directory url: URL) throws {
        let directory = try ModelDirectory(url)
        self.directory = url.path
        let weights = try directory.openWeights()
        let json = try directory.loadConfigJSON()
        let model = try ModelRegistry.architecture(config: json, path: directory.configURL.path)
            .load(json, directory.configURL.path, weights)
        modelType = model.modelType
        shapeRows = model.summaryRows
        specialTokens = model.configSpecialTokens
        parameterCount = model.parameterCount
        var dtypes: [DType: Int] = [:]
        for t in weights.tensors { dtypes[t.dtype, default: 0] += t.elementCount }
        storedDTypes = dtypes
        weightsBytes = weights.byteCount
        shardCount = weights.shards.count
        tokenizer = directory.hasTokenizer ? try TokenizerSummary(url: directory.tokenizerURL) : nil
    }

    public var lines: [String] {
        func id(_ t: TokenID?) -> String { t.map(String.init) ?? "-" }
        func row(_ label: String, _ value: String) -> String { label.padding(toLength: 11, withPad: " ", startingAt: 0) + value }
        let c = specialTokens
        var out = [row("model", directory), row("type", modelType)]
        out += shapeRows.map { row($0.label, $0.value) }
        out += [
            row("specials", "pad \(id(c.pad)) cls \(id(c.cls)) sep \(id(c.sep)) mask \(id(c.mask)) bos \(id(c.bos)) eos \(id(c.eos))"),
            row("parameters", "\(parameterCount) (\(String(format: "%.2f", Double(parameterCount) / 1e6)) M)"),
            row("weights", "\(storedDTypes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")); \(weightsBytes) bytes"
                + (shardCount > 1 ? " in \(shardCount) shards" : "")),
        ]
        if let tokenizer {
            out.append(row("tokenizer", "\(tokenizer.modelType), vocab \(tokenizer.vocabularySize) (\(tokenizer.addedTokens) added tokens)"))
        } else {
            out.append(row("tokenizer", "none (no tokenizer.json)"))
        }
        return out
    }
}

/// The facts about a tokenizer.json that `info` needs, read with JSONValue only (FlowTokenizer does the
/// real parsing).
public struct TokenizerSummary: Sendable {
    public let modelType: String
    public let vocabularySize: Int
    public let addedTokens: Int

    public init(url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw FileProblem(url.path, "cannot read the file") }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw FileProblem(url.path, "not valid JSON (\(error.description))") }
        guard let model = json["model"], case .object = model else { throw FileProblem(url.path, "no 'model' object") }
        modelType = model["type"]?.stringValue ?? "unknown"
        let vocab = model["vocab"]?.objectValue?.count ?? model["vocab"]?.arrayValue?.count ?? 0
        let added = json["added_tokens"]?.arrayValue ?? []
        let addedIDs = added.compactMap { $0["id"]?.intValue }
        vocabularySize = max(vocab, (addedIDs.max() ?? -1) + 1)
        addedTokens = added.count
    }
}
