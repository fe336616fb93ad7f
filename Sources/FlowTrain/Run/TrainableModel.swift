import FlowKernels

/// What the trainer needs from a model (`TrainableModernBert` conforms; the tests use a
/// small table model). Buffers are the model's own: the logits returned by `forward` stay valid until
/// `backward` returns, and the trainer overwrites them in place with d loss/d logits.
public protocol TrainableModel: AnyObject {
    /// Length of the parameter arena (= length of the gradient arena).
    var parameterCount: Int { get }
    /// Named parts of the arena (for the weight-decay rule).
    var parameterSlices: [ParameterSlice] { get }
    var vocabularySize: Int { get }

    /// Logits [B·T, V] for the batch, row-major; keeps whatever `backward` needs.
    func forward(_ batch: Batch) throws -> UnsafeMutableBufferPointer<Float>

    /// Back-propagates `dlogits` (the buffer `forward` returned, now holding gradients) and ADDS the
    /// parameter gradients into `gradients` (zeroed by the trainer once per optimiser step).
    func backward(_ batch: Batch, dlogits: UnsafeBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>) throws

    /// Gives the optimiser the parameter arena to update in place.
    func withParameters<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R

    /// The cores the trainer's own element-wise passes (the optimiser) may use, as the model's forward does.
    var computePolicy: ComputePolicy { get }
}

extension TrainableModel {
    public var computePolicy: ComputePolicy { .serial }
}
