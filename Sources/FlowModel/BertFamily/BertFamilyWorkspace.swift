/// Scratch memory for BERT-family forward passes, reused across calls: one 64-byte-aligned allocation, grown
/// only when a larger batch arrives, so a forward pass allocates nothing per token. Post-LN blocks update the
/// residual stream in place, so one [N, H] stream serves every layer. Not thread-safe: one workspace per
/// concurrent caller.
public final class BertFamilyWorkspace {
    public let config: BertFamilyConfig
    public private(set) var batchSize = 0
    public private(set) var length = 0
    /// Each token's row of the position table [N].
    public private(set) var positionIDs = UnsafeMutablePointer<Int32>(bitPattern: 64)!
    /// The residual stream [N, H]: the embeddings output, then each layer's output in turn.
    public private(set) var hidden = UnsafeMutablePointer<Float>(bitPattern: 64)!
    /// Fused QKV projection [N, 3H]; attention weights [B, heads, T, T]; heads concatenated [N, H].
    public private(set) var qkv = UnsafeMutablePointer<Float>(bitPattern: 64)!
    public private(set) var probabilities = UnsafeMutablePointer<Float>(bitPattern: 64)!
    public private(set) var attentionOutput = UnsafeMutablePointer<Float>(bitPattern: 64)!
    /// MLP hidden layer, activated in place [N, I].
    public private(set) var mlpHidden = UnsafeMutablePointer<Float>(bitPattern: 64)!
    /// Head transform (dense, activation, norm in place) [N, H]; logits [N, V].
    public private(set) var headHidden = UnsafeMutablePointer<Float>(bitPattern: 64)!
    public private(set) var logits = UnsafeMutablePointer<Float>(bitPattern: 64)!
    private let scratch = ScratchMemory()
    private var positionCapacity = 0
    private var prepared = false

    public init(config: BertFamilyConfig) { self.config = config }

    deinit {
        if positionCapacity > 0 { positionIDs.deallocate() }
    }

    /// Lays the buffers out for a [batchSize, length] batch, reallocating only when it needs more room.
    public func prepare(batchSize: Int, length: Int) {
        if prepared, batchSize == self.batchSize, length == self.length { return }
        let n = batchSize * length, h = config.hiddenSize
        let buffers = scratch.layOut { memory in
            (hidden: memory.floats(n * h), qkv: memory.floats(n * 3 * h),
             probabilities: memory.floats(batchSize * config.headCount * length * length),
             attentionOutput: memory.floats(n * h), mlpHidden: memory.floats(n * config.intermediateSize),
             headHidden: memory.floats(n * h), logits: memory.floats(n * config.vocabularySize))
        }
        hidden = buffers.hidden; qkv = buffers.qkv; probabilities = buffers.probabilities
        attentionOutput = buffers.attentionOutput; mlpHidden = buffers.mlpHidden
        headHidden = buffers.headHidden; logits = buffers.logits
        if batchSize * length > positionCapacity {
            if positionCapacity > 0 { positionIDs.deallocate() }
            positionCapacity = batchSize * length
            positionIDs = .allocate(capacity: positionCapacity)
        }
        self.batchSize = batchSize
        self.length = length
        prepared = true
    }
}
