import Foundation
import FlowCore
import FlowKernels

/// A masked language model as the rest of FlowLM uses it, whatever its architecture: logits for a right-padded
/// batch, written into memory the model reuses, plus the facts `flowlm info` shows. Each architecture folder
/// (ModernBERT, the BERT family) provides one conforming type and one `ModelArchitecture` entry.
public protocol MaskedLanguageModel: Sendable {
    /// Scratch memory for forward passes, reused from call to call (one per concurrent caller).
    associatedtype Workspace: AnyObject

    /// config.json's `model_type` (for example "modernbert", "bert").
    var modelType: String { get }
    var vocabularySize: Int { get }
    /// The most positions one sequence may have.
    var contextLength: Int { get }
    var parameterCount: Int { get }
    /// Shape facts for `flowlm info`, as label/value rows in display order.
    var summaryRows: [(label: String, value: String)] { get }
    /// The special-token ids config.json names (any may be missing; the tokenizer fills the rest).
    var configSpecialTokens: ConfigSpecialTokens { get }

    func makeWorkspace() -> Workspace

    /// The model with its linear weights packed for the inference GEMM in `precision` (nil:
    /// `InferencePrecision.automatic`; fp32 where the CPU has no bf16) and no float32 arena left (`PackedParameters`):
    /// itself where the CPU has no packed kernel. Loading for inference packs as it reads instead
    /// (`ModelArchitecture.load(…, form: .inference(precision:))`), which never holds both copies.
    func packedForInference(precision: InferencePrecision?) -> Self

    /// Logits [batchSize · length, vocabularySize] for `batch`, valid until `workspace` is next used. With a
    /// `request`, a model that can gather each row's softmax statistics while writing the logits returns them
    /// (nil otherwise). Throws only on bad input (an id outside the vocabulary, a sequence over the context).
    func logitsInPlace(_ batch: TokenBatch, workspace: Workspace, policy: ComputePolicy,
                       summarizing request: SoftmaxSummaryRequest?)
        throws(ModelInputError) -> (logits: UnsafeMutableBufferPointer<Float>, summaries: SoftmaxSummaries?)

    /// The logits of `batch` made at most `blockRows` rows at a time, each block handed to `body` (its rows and their
    /// logits [rows, vocabularySize]) before the next is made, so a caller that reads each row once never holds all
    /// of them. An architecture without blocks hands over one block of every row.
    func forEachLogitsBlock(_ batch: TokenBatch, blockRows: Int, policy: ComputePolicy,
                            body: (Range<Int>, UnsafeBufferPointer<Float>) -> Void) throws(ModelInputError)
}

extension MaskedLanguageModel {
    public func forEachLogitsBlock(_ batch: TokenBatch, blockRows: Int, policy: ComputePolicy,
                                   body: (Range<Int>, UnsafeBufferPointer<Float>) -> Void) throws(ModelInputError) {
        let workspace = makeWorkspace()
        try withExtendedLifetime(workspace) { () throws(ModelInputError) in
            let logits = try logitsInPlace(batch, workspace: workspace, policy: policy, summarizing: nil).logits
            body(0..<batch.tokenCount, UnsafeBufferPointer(logits))
        }
    }
}

/// The special-token ids a config.json gives (`pad_token_id`, `bos_token_id`, …); nil where it gives none.
public struct ConfigSpecialTokens: Sendable, Equatable {
    public var pad: TokenID?
    public var cls: TokenID?
    public var sep: TokenID?
    public var mask: TokenID?
    public var unk: TokenID?
    public var bos: TokenID?
    public var eos: TokenID?

    public init(pad: TokenID? = nil, cls: TokenID? = nil, sep: TokenID? = nil, mask: TokenID? = nil,
                unk: TokenID? = nil, bos: TokenID? = nil, eos: TokenID? = nil) {
        self.pad = pad; self.cls = cls; self.sep = sep; self.mask = mask; self.unk = unk; self.bos = bos; self.eos = eos
    }
}

/// One architecture in the registry (`ModelRegistry`): the `model_type` values it reads and how it loads.
public struct ModelArchitecture: Sendable {
    /// config.json `model_type` values this loader accepts.
    public let modelTypes: [String]
    /// The HF class a checkpoint of this architecture comes from, for messages and docs.
    public let huggingFaceClass: String
    /// Reads config.json (already parsed; `configPath` for messages) and binds the weights, strictly, in `form`.
    let bind: @Sendable (_ config: JSONValue, _ configPath: String, _ weights: WeightFiles, _ form: ParameterForm)
        throws(ModelFileError) -> any MaskedLanguageModel

    public init(modelTypes: [String], huggingFaceClass: String,
                load bind: @escaping @Sendable (JSONValue, String, WeightFiles, ParameterForm) throws(ModelFileError) -> any MaskedLanguageModel) {
        self.modelTypes = modelTypes; self.huggingFaceClass = huggingFaceClass; self.bind = bind
    }

    /// The model config.json describes, its weights bound strictly: in a float32 arena by default (what `flowlm
    /// info` reads), or packed for inference as they are read.
    public func load(_ config: JSONValue, _ configPath: String, _ weights: WeightFiles,
                     form: ParameterForm = .arena) throws(ModelFileError) -> any MaskedLanguageModel {
        try bind(config, configPath, weights, form)
    }
}

extension MaskedLanguageModel {
    /// Packed in `InferencePrecision.automatic`.
    public func packedForInference() -> Self { packedForInference(precision: nil) }
}

extension MaskedLanguageModel {
    /// One forward pass with a fresh workspace, its logits copied out (for one-off calls such as `flowlm forward`).
    public func copiedLogits(_ batch: TokenBatch, policy: ComputePolicy = .allCores) throws(ModelInputError) -> ForwardOutput {
        let workspace = makeWorkspace()
        // The logits live in the workspace: it must outlive the copy.
        return try withExtendedLifetime(workspace) { () throws(ModelInputError) -> ForwardOutput in
            let logits = try logitsInPlace(batch, workspace: workspace, policy: policy, summarizing: nil).logits
            return ForwardOutput(batchSize: batch.batchSize, length: batch.length, vocabularySize: vocabularySize,
                                 logits: Array(logits), hiddenStates: [], finalHidden: nil)
        }
    }
}
