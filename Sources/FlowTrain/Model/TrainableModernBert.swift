import FlowCore
import FlowKernels
import FlowModel

/// ModernBERT as the trainer sees it: forward with kept activations, backward into the gradient arena,
/// and the parameter arena itself for the optimiser. Workspaces are made once and reused every step.
public final class TrainableModernBert: TrainableModel {
    public private(set) var model: ModernBertModel
    public let policy: ComputePolicy
    public var computePolicy: ComputePolicy { policy }
    private let forwardWorkspace: ForwardWorkspace
    private let backwardWorkspace: BackwardWorkspace
    private var lastBatch: TokenBatch?

    public init(model: ModernBertModel, policy: ComputePolicy = .allCores) {
        self.model = model
        self.policy = policy
        forwardWorkspace = ForwardWorkspace(config: model.config, keepsActivations: true)
        backwardWorkspace = BackwardWorkspace(config: model.config)
    }

    public var parameterCount: Int { model.layout.totalCount }
    public var parameterSlices: [ParameterSlice] { model.layout.slots.map { ParameterSlice(name: $0.name, range: $0.range) } }
    public var vocabularySize: Int { model.config.vocabularySize }

    public func forward(_ batch: Batch) throws -> UnsafeMutableBufferPointer<Float> {
        let tokens = try TokenBatch(ids: batch.inputIds, lengths: batch.lengths, batchSize: batch.batchSize, length: batch.length)
        lastBatch = tokens
        return try model.forwardInPlace(tokens, workspace: forwardWorkspace, policy: policy)
    }

    public func backward(_ batch: Batch, dlogits: UnsafeBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>) throws {
        guard let tokens = lastBatch, tokens.ids == batch.inputIds, let dlogits = dlogits.baseAddress,
              let g = gradients.baseAddress else {
            preconditionFailure("TrainableModernBert.backward must follow forward on the same batch")
        }
        model.backward(tokens, forward: forwardWorkspace, logitsGradient: dlogits, gradients: g,
                       workspace: backwardWorkspace, policy: policy)
    }

    public func withParameters<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try model.parameters.withUnsafeMutableBufferPointer { try body($0) }
    }
}
