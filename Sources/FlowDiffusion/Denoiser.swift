import FlowCore

/// Logits for one canvas: `rows` positions × `vocabularySize` scores, row-major and contiguous,
/// so a row is one cache-friendly span the sampler scans once.
public struct LogitMatrix: Sendable, Equatable {
    public let rows: Int
    public let vocabularySize: Int
    public var values: [Float]
    /// Each row's softmax statistics, when the denoiser gathered them while making the logits
    /// (`Denoiser.logits(for:summarizing:)`); the loop then skips its own sweep for that request.
    public var summaries: SoftmaxSummaries?

    /// `values.count` must equal `rows * vocabularySize` (a programmer error otherwise).
    public init(rows: Int, vocabularySize: Int, values: [Float]) {
        precondition(rows >= 0 && vocabularySize > 0 && values.count == rows * vocabularySize,
                     "LogitMatrix: \(values.count) values do not form \(rows) x \(vocabularySize)")
        self.rows = rows
        self.vocabularySize = vocabularySize
        self.values = values
    }

    /// A zero-filled matrix, for denoisers that write rows in place.
    public init(rows: Int, vocabularySize: Int) {
        self.init(rows: rows, vocabularySize: vocabularySize, values: [Float](repeating: 0, count: rows * vocabularySize))
    }

    public subscript(row: Int, token: Int) -> Float {
        get { values[row * vocabularySize + token] }
        set { values[row * vocabularySize + token] = newValue }
    }
}

/// What the refinement loop needs from a model: scores for every position of whole token canvases.
/// The canvas already holds its own [CLS]/[SEP] and [MASK] ids; the denoiser adds nothing.
/// The ModernBERT engine is adapted to this in the composition root; tests use scripted fakes.
public protocol Denoiser: AnyObject {
    var vocabularySize: Int { get }
    var contextLength: Int { get }
    var specialTokens: SpecialTokens { get }
    /// One matrix per canvas, each with `canvas.count` rows of `vocabularySize` logits.
    func logits(for canvases: [[TokenID]]) throws -> [LogitMatrix]
    /// The same, with each matrix's `summaries` for `request` where the denoiser can gather them cheaply
    /// (the engine does it in its last GEMM). The default gathers nothing.
    func logits(for canvases: [[TokenID]], summarizing request: SoftmaxSummaryRequest) throws -> [LogitMatrix]
}

extension Denoiser {
    public func logits(for canvases: [[TokenID]], summarizing request: SoftmaxSummaryRequest) throws -> [LogitMatrix] {
        try logits(for: canvases)
    }
}
