import FlowCore
import FlowKernels

extension ModernBertModel: MaskedLanguageModel {
    public var modelType: String { "modernbert" }
    public var vocabularySize: Int { config.vocabularySize }
    public var contextLength: Int { config.maxPositions }
    public var parameterCount: Int { layout.parameterCount }

    public var configSpecialTokens: ConfigSpecialTokens {
        let ids = config.specialTokens
        return ConfigSpecialTokens(pad: ids.pad, cls: ids.cls, sep: ids.sep, mask: ids.mask, bos: ids.bos, eos: ids.eos)
    }

    public var summaryRows: [(label: String, value: String)] {
        let c = config
        let globals = c.layerKinds.enumerated().filter { $0.element == .global }.map { String($0.offset) }
        return [
            ("shape", c.encoderShape.summary),
            ("attention", "global layers [\(globals.joined(separator: ","))], sliding window \(c.localAttention) (±\(c.slidingHalfWidth)), rope theta global \(c.globalRopeTheta) / local \(c.localRopeTheta)"),
            ("biases", "norm \(c.normBias), attention \(c.attentionBias), mlp \(c.mlpBias), classifier \(c.classifierBias), decoder \(c.decoderBias); decoder \(c.tiedDecoder ? "tied to embeddings" : "untied")"),
            ("norm eps", "\(c.normEps); activations \(c.hiddenActivation.rawValue)/\(c.classifierActivation.rawValue)"),
        ]
    }

    /// Packs the arena; a model already packed in that precision is itself. Packing needs the arena: a packed model
    /// asked for another precision stops (load it again in that one).
    public func packedForInference(precision: InferencePrecision?) -> ModernBertModel {
        if let packed = inferenceWeights {
            precondition(packed.precision == InferencePrecision.resolved(precision),
                         "a model packed in \(packed.precision.rawValue) keeps no arena to pack again")
            return self
        }
        guard let packed = packArena(precision: precision) else { return self }
        return ModernBertModel(config: config, parameters: [], packed: packed)
    }

    public func makeWorkspace() -> ForwardWorkspace { ForwardWorkspace(config: config) }

    public func forEachLogitsBlock(_ batch: TokenBatch, blockRows: Int, policy: ComputePolicy,
                                   body: (Range<Int>, UnsafeBufferPointer<Float>) -> Void) throws(ModelInputError) {
        try forwardInBlocks(batch, workspace: ForwardWorkspace(config: config, logitRows: blockRows), policy: policy, body: body)
    }

    public func logitsInPlace(_ batch: TokenBatch, workspace: ForwardWorkspace, policy: ComputePolicy,
                              summarizing request: SoftmaxSummaryRequest?)
        throws(ModelInputError) -> (logits: UnsafeMutableBufferPointer<Float>, summaries: SoftmaxSummaries?) {
        try forwardInPlace(batch, workspace: workspace, policy: policy, summarizing: request)
    }
}

extension ModelArchitecture {
    /// ModernBERT (`ModernBertForMaskedLM`): the architecture FlowLM also trains.
    public static let modernBert = ModelArchitecture(modelTypes: ["modernbert"], huggingFaceClass: "ModernBertForMaskedLM") {
        json, path, weights, form throws(ModelFileError) in
        try ModernBertModel(config: ModernBertConfig.parse(json: json, path: path), weights: weights, form: form)
    }
}

extension ModelDirectory {
    /// config.json read as ModernBERT's (training and conversion need the concrete type).
    public func loadConfig() throws(ModelFileError) -> ModernBertConfig {
        try ModernBertConfig.load(from: configURL)
    }

    /// The ModernBERT model (training, conversion and the golden tests need the concrete type).
    public func loadModel() throws(ModelFileError) -> ModernBertModel {
        try ModernBertModel(config: loadConfig(), weights: openWeights())
    }
}
