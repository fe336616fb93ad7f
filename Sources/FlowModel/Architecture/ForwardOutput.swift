import FlowCore

/// Logits of a forward pass, and on request every layer's hidden states, all [batchSize, length, ·]
/// row-major. Rows of padding positions are computed but meaningless.
public struct ForwardOutput: Sendable {
    public let batchSize: Int
    public let length: Int
    public let vocabularySize: Int
    /// [batchSize, length, vocabularySize].
    public let logits: [Float]
    /// L + 1 entries when requested: the embeddings output, then each layer's output, each [B, T, H].
    public let hiddenStates: [[Float]]
    /// The final norm's output (HF's `last_hidden_state`) when hidden states were requested.
    public let finalHidden: [Float]?

    /// Logits of one position.
    public func logits(batch b: Int, position t: Int) -> ArraySlice<Float> {
        let start = (b * length + t) * vocabularySize
        return logits[start..<(start + vocabularySize)]
    }
}
