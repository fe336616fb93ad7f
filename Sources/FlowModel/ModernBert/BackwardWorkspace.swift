import FlowKernels

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
    private var storage: UnsafeMutableRawPointer?
    private var capacityBytes = 0
    private var preparedShape = (0, 0)

    public init(config: ModernBertConfig) {
        self.config = config
        let empty = UnsafeMutableRawPointer(bitPattern: 64)!.assumingMemoryBound(to: Float.self)
        residual = empty; hiddenA = empty; hiddenB = empty; qkv = empty; mlpHidden = empty; mlpGated = empty
        attentionScratch = empty
    }

    deinit { storage.map(releaseLargeBuffer) }

    func prepare(batchSize: Int, length: Int) {
        if preparedShape == (batchSize, length) { return }
        let n = batchSize * length, h = config.hiddenSize, i = config.intermediateSize
        let counts = [n * h, n * h, n * h, n * 3 * h, n * 2 * i, n * i, batchSize * config.headCount * length * length]
        let padded = counts.map { (max($0, 1) + 15) / 16 * 16 }
        let bytes = padded.reduce(0, +) * MemoryLayout<Float>.size
        if bytes > capacityBytes {
            storage.map(releaseLargeBuffer)
            storage = allocateLargeBuffer(byteCount: bytes)
            capacityBytes = bytes
        }
        var cursor = storage!.assumingMemoryBound(to: Float.self)
        var pointers: [UnsafeMutablePointer<Float>] = []
        for count in padded { pointers.append(cursor); cursor += count }
        residual = pointers[0]; hiddenA = pointers[1]; hiddenB = pointers[2]; qkv = pointers[3]
        mlpHidden = pointers[4]; mlpGated = pointers[5]; attentionScratch = pointers[6]
        preparedShape = (batchSize, length)
    }
}
