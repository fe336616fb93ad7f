import Foundation
import FlowCore
import FlowModel

/// What `flowlm info` shows about a model directory.
public struct ModelSummary: Sendable {
    public let directory: String
    public let config: ModernBertConfig
    public let parameterCount: Int
    /// Stored element count per dtype in model.safetensors.
    public let storedDTypes: [DType: Int]
    public let weightsBytes: Int
    public let tokenizer: TokenizerSummary?

    /// Reads config.json, the safetensors header and tokenizer.json (when present) and binds the weights,
    /// so a summary is only shown for a model that would load.
    public init(directory url: URL) throws {
        let directory = try ModelDirectory(url)
        self.directory = url.path
        config = try directory.loadConfig()
        let weights = try directory.openWeights()
        _ = try ModernBertModel(config: config, weights: weights)
        parameterCount = ParameterLayout(config: config).parameterCount
        var dtypes: [DType: Int] = [:]
        for t in weights.tensors { dtypes[t.dtype, default: 0] += t.elementCount }
        storedDTypes = dtypes
        weightsBytes = (try? FileManager.default.attributesOfItem(atPath: directory.weightsURL.path)[.size] as? Int) ?? 0
        tokenizer = directory.hasTokenizer ? try TokenizerSummary(url: directory.tokenizerURL) : nil
    }

    public var lines: [String] {
        let c = config
        let globals = c.layerKinds.enumerated().filter { $0.element == .global }.map { String($0.offset) }
        func id(_ t: TokenID?) -> String { t.map(String.init) ?? "-" }
        var out = [
            "model      \(directory)",
            "shape      vocab \(c.vocabularySize), hidden \(c.hiddenSize), \(c.layerCount) layers, \(c.headCount) heads (dim \(c.headDim)), intermediate \(c.intermediateSize)",
            "attention  global layers [\(globals.joined(separator: ","))], sliding window \(c.localAttention) (±\(c.slidingHalfWidth)), rope theta global \(c.globalRopeTheta) / local \(c.localRopeTheta)",
            "biases     norm \(c.normBias), attention \(c.attentionBias), mlp \(c.mlpBias), classifier \(c.classifierBias), decoder \(c.decoderBias); decoder \(c.tiedDecoder ? "tied to embeddings" : "untied")",
            "norm eps   \(c.normEps); activations \(c.hiddenActivation.rawValue)/\(c.classifierActivation.rawValue)",
            "specials   pad \(id(c.specialTokens.pad)) cls \(id(c.specialTokens.cls)) sep \(id(c.specialTokens.sep)) mask \(id(c.specialTokens.mask)) bos \(id(c.specialTokens.bos)) eos \(id(c.specialTokens.eos))",
            "parameters \(parameterCount) (\(String(format: "%.2f", Double(parameterCount) / 1e6)) M)",
            "weights    \(storedDTypes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")); \(weightsBytes) bytes",
        ]
        if let tokenizer {
            out.append("tokenizer  \(tokenizer.modelType), vocab \(tokenizer.vocabularySize) (\(tokenizer.addedTokens) added tokens)")
        } else {
            out.append("tokenizer  none (no tokenizer.json)")
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
