import Foundation
import FlowKernels

/// The activations of one layer's forward pass, as raw pointers into a workspace. With
/// `keepsActivations` every layer has its own set (what a backward pass reads); otherwise all layers
/// share one set and the residual stream is updated in place.
public struct LayerBuffers {
    /// Layer input (residual stream) [N, H] and the stream after the attention residual [N, H].
    public let input: UnsafeMutablePointer<Float>
    public let afterAttention: UnsafeMutablePointer<Float>
    /// attn_norm output [N, H] (unused by layer 0, whose attention reads `input`) and its row statistics [N].
    public let attentionNormed: UnsafeMutablePointer<Float>
    public let attentionNormMean: UnsafeMutablePointer<Float>
    public let attentionNormRstd: UnsafeMutablePointer<Float>
    /// Wqkv output after RoPE [N, 3H]; attention weights [B, heads, T, T] (with `keepsActivations`; otherwise one
    /// [T, T] slot per core, `ForwardWorkspace.probabilitySlots`); heads concatenated [N, H].
    public let qkv: UnsafeMutablePointer<Float>
    public let probabilities: UnsafeMutablePointer<Float>
    public let attentionOutput: UnsafeMutablePointer<Float>
    /// mlp_norm output [N, H] and its statistics; Wi output [N, 2I]; GeGLU output [N, I].
    public let mlpNormed: UnsafeMutablePointer<Float>
    public let mlpNormMean: UnsafeMutablePointer<Float>
    public let mlpNormRstd: UnsafeMutablePointer<Float>
    public let mlpHidden: UnsafeMutablePointer<Float>
    public let mlpGated: UnsafeMutablePointer<Float>
}

/// Buffers of the head: final norm, dense, GELU, head norm, logits.
public struct HeadBuffers {
    public let embedded: UnsafeMutablePointer<Float>
    public let embeddingNormMean: UnsafeMutablePointer<Float>
    public let embeddingNormRstd: UnsafeMutablePointer<Float>
    public let finalNormed: UnsafeMutablePointer<Float>
    public let finalNormMean: UnsafeMutablePointer<Float>
    public let finalNormRstd: UnsafeMutablePointer<Float>
    public let dense: UnsafeMutablePointer<Float>
    public let activated: UnsafeMutablePointer<Float>
    public let headNormed: UnsafeMutablePointer<Float>
    public let headNormMean: UnsafeMutablePointer<Float>
    public let headNormRstd: UnsafeMutablePointer<Float>
    public let logits: UnsafeMutablePointer<Float>
}

/// Scratch memory for forward passes of one model, reused across calls: one 64-byte-aligned allocation,
/// grown only when a larger batch arrives, so the forward pass allocates nothing per token. Not
/// thread-safe: one workspace per concurrent caller.
public final class ForwardWorkspace {
    public let config: ModernBertConfig
    public let keepsActivations: Bool
    public private(set) var batchSize = 0
    public private(set) var length = 0
    public private(set) var layers: [LayerBuffers] = []
    /// Residual stream before layer i (i = 0..L; entry L is the last layer's output). With
    /// `keepsActivations` each is distinct, otherwise all alias one buffer.
    public private(set) var residuals: [UnsafeMutablePointer<Float>] = []
    public private(set) var head: HeadBuffers?
    var globalRotary: RotaryTable
    var localRotary: RotaryTable
    private let scratch = ScratchMemory()

    /// The most rows the head (its buffers and the logits) works on at once: nil for all of a batch (`forwardInPlace`);
    /// a block size for `forwardInBlocks`, which never holds [N, vocab] (98 MB for ModernBERT-base at 512 tokens).
    public let logitRows: Int?

    public init(config: ModernBertConfig, keepsActivations: Bool = false, logitRows: Int? = nil) {
        precondition(logitRows.map { $0 >= 1 } ?? true, "ForwardWorkspace: logitRows must be at least 1")
        self.config = config
        self.keepsActivations = keepsActivations
        self.logitRows = logitRows
        globalRotary = RotaryTable(theta: config.globalRopeTheta, headDim: config.headDim)
        localRotary = RotaryTable(theta: config.localRopeTheta, headDim: config.headDim)
    }

    /// Lays the buffers out for a [batchSize, length] batch, reallocating only when it needs more room.
    public func prepare(batchSize: Int, length: Int) {
        globalRotary.reserve(length)
        localRotary.reserve(length)
        if batchSize == self.batchSize, length == self.length, head != nil { return }
        let buffers = scratch.layOut { carve(batchSize: batchSize, length: length, from: &$0) }
        residuals = buffers.residuals
        layers = buffers.layers
        head = buffers.head
        self.batchSize = batchSize
        self.length = length
    }

    /// The buffers for a [batchSize, length] batch, in the order they are carved.
    private func carve(batchSize: Int, length: Int, from memory: inout BufferCarver)
        -> (residuals: [UnsafeMutablePointer<Float>], layers: [LayerBuffers], head: HeadBuffers) {
        let n = batchSize * length, h = config.hiddenSize, i = config.intermediateSize
        func take(_ count: Int) -> UnsafeMutablePointer<Float> { memory.floats(count) }
        let copies = keepsActivations ? config.layerCount : 1
        var residuals = [take(n * h)]
        for _ in 0..<config.layerCount { residuals.append(keepsActivations ? take(n * h) : residuals[0]) }
        var layers: [LayerBuffers] = []
        for l in 0..<copies {
            layers.append(LayerBuffers(
                input: residuals[l],
                afterAttention: keepsActivations ? take(n * h) : residuals[0],
                attentionNormed: take(n * h), attentionNormMean: take(n), attentionNormRstd: take(n),
                qkv: take(n * 3 * h), probabilities: take((probabilitySlots(batchSize: batchSize) ?? batchSize * config.headCount) * length * length),
                attentionOutput: take(n * h),
                mlpNormed: take(n * h), mlpNormMean: take(n), mlpNormRstd: take(n),
                mlpHidden: take(n * 2 * i), mlpGated: take(n * i)))
        }
        let r = min(n, logitRows ?? n)  // rows the head works on at a time
        let head = HeadBuffers(
            embedded: take(n * h), embeddingNormMean: take(n), embeddingNormRstd: take(n),
            finalNormed: take(r * h), finalNormMean: take(r), finalNormRstd: take(r),
            dense: take(r * h), activated: take(r * h), headNormed: take(r * h), headNormMean: take(r),
            headNormRstd: take(r), logits: take(r * config.vocabularySize))
        return (residuals, layers, head)
    }

    /// [T, T] slots of attention weights that the workers reuse, or nil when every (sequence, head) keeps its own
    /// (`keepsActivations`: the backward pass reads them). One per core, as no more workers run at once.
    func probabilitySlots(batchSize: Int) -> Int? {
        keepsActivations ? nil : min(batchSize * config.headCount, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The buffers layer `index` writes.
    public func buffers(layer index: Int) -> LayerBuffers {
        keepsActivations ? layers[index] : layers[0]
    }
}
