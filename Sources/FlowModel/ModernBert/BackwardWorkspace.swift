/// Scratch memory for one backward pass, reused across steps (one allocation, grown only for a larger
/// batch): the residual stream's gradient and the gradients of one layer's intermediate activations.
/// The forward activations themselves stay in the `ForwardWorkspace` made with `keepsActivations`.
public final class BackwardWorkspace {
    public let config: ModernBertConfig
    private(set) var residual: UnsafeMutablePointer<Float>
    private(set) var hiddenA: UnsafeMutablePointer<Float>
    private(set) var hiddenB: UnsafeMutablePointer<Float>
    private(set) var qkv: UnsafeMutablePointer<Float>
    private(set) var mlpHidden: UnsafeMutablePointer<Float>
    private(set) var mlpGated: UnsafeMutablePointer<Float>
    /// One [T, T] block per (sequence, head), so heads run their backward in parallel.
    private(set) var attentionScratch: UnsafeMutablePointer<Float>
    private let scratch = ScratchMemory()
    private var preparedShape = (0, 0)

    public init(config: ModernBertConfig) {
        self.config = config
        let empty = UnsafeMutableRawPointer(bitPattern: 64)!.assumingMemoryBound(to: Float.self)
        residual = empty; hiddenA = empty; hiddenB = empty; qkv = empty; mlpHidden = empty; mlpGated = empty
        attentionScratch = empty
    }

    func prepare(batchSize: Int, length: Int) {
        if preparedShape == (batchSize, length) { return }
        let n = batchSize * length, h = config.hiddenSize, i = config.intermediateSize
        let counts = [n * h, n * h, n * h, n * 3 * h, n * 2 * i, n * i, batchSize * config.headCount * length * length]
        let pointers = scratch.layOut { memory in counts.map { memory.floats($0) } }
        residual = pointers[0]; hiddenA = pointers[1]; hiddenB = pointers[2]; qkv = pointers[3]
        mlpHidden = pointers[4]; mlpGated = pointers[5]; attentionScratch = pointers[6]
        preparedShape = (batchSize, length)
    }
}
