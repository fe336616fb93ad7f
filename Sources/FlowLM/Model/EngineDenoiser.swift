import Foundation
import FlowCore
import FlowDiffusion
import FlowKernels
import FlowModel

/// The engine seen by the refinement loop, for any architecture: logits for whole canvases, one forward pass
/// for the batch, with one reused workspace (so repeated steps allocate only the returned matrices).
public final class EngineDenoiser<Model: MaskedLanguageModel>: Denoiser, @unchecked Sendable {
    public let model: Model
    public let specialTokens: SpecialTokens
    public let policy: ComputePolicy
    private let workspace: Model.Workspace
    private let lock = NSLock()
    /// One logits array per canvas of the last call, handed out shared (copy on write).
    private var outputs: [[Float]] = []

    public init(model: Model, specialTokens: SpecialTokens, policy: ComputePolicy = .allCores) {
        self.model = model
        self.specialTokens = specialTokens
        self.policy = policy
        workspace = model.makeWorkspace()
    }

    public var vocabularySize: Int { model.vocabularySize }
    public var contextLength: Int { model.contextLength }

    public func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix] {
        try run(canvases, summarizing: nil)
    }

    /// The engine gathers the statistics in its decoder GEMM when its weights are packed (AVX-512).
    public func logits(for canvases: [[TokenID]], summarizing request: SoftmaxSummaryRequest) throws -> [LogitMatrix] {
        try run(canvases, summarizing: request)
    }

    private func run(_ canvases: [[TokenID]], summarizing request: SoftmaxSummaryRequest?) throws -> [LogitMatrix] {
        lock.lock()
        defer { lock.unlock() }
        let batch = TokenBatch(sequences: canvases, padID: specialTokens.pad)
        let (logits, summaries) = try model.logitsInPlace(batch, workspace: workspace, policy: policy, summarizing: request)
        let v = vocabularySize
        if outputs.count < canvases.count { outputs += Array(repeating: [], count: canvases.count - outputs.count) }
        return canvases.enumerated().map { b, canvas in
            let start = b * batch.length * v, count = canvas.count * v
            // Reuses last call's array when the caller let go of it (the Refiner does before asking again):
            // at 512 positions × 50k that saves allocating and faulting in 100 MB per step.
            if outputs[b].count != count { outputs[b] = [Float](repeating: 0, count: count) }
            outputs[b].withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: logits.baseAddress! + start, count: count) }
            var matrix = LogitMatrix(rows: canvas.count, vocabularySize: v, values: outputs[b])
            matrix.summaries = summaries?.slice((b * batch.length)..<(b * batch.length + canvas.count))
            return matrix
        }
    }
}

/// A denoiser over whichever model the registry loaded (opens the existential).
func makeEngineDenoiser(_ model: any MaskedLanguageModel, specialTokens: SpecialTokens, policy: ComputePolicy) -> any Denoiser {
    func make<M: MaskedLanguageModel>(_ model: M) -> any Denoiser {
        EngineDenoiser(model: model, specialTokens: specialTokens, policy: policy)
    }
    return make(model)
}
