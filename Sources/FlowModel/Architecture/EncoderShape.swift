/// The sizes every encoder has, whatever its architecture and however its config.json names them, with the
/// checks and the `flowlm info` row that are the same for all.
public struct EncoderShape: Sendable, Equatable {
    /// Upper bounds that keep every size product far from Int overflow (ModernBERT-large is 50368 / 1024 /
    /// 2624 / 28 layers, xlm-roberta-large 250002 / 1024 / 4096 / 24 layers).
    public static let limits = (vocabulary: 1 << 24, hidden: 1 << 16, intermediate: 1 << 18, layers: 1 << 10)

    public var vocabularySize: Int
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int

    public init(vocabularySize: Int, hiddenSize: Int, layerCount: Int, headCount: Int, intermediateSize: Int) {
        self.vocabularySize = vocabularySize; self.hiddenSize = hiddenSize; self.layerCount = layerCount
        self.headCount = headCount; self.intermediateSize = intermediateSize
    }

    /// The first size out of bounds, or a head count that does not divide the hidden size, as the architecture's
    /// own `Field` (so its config reader can name the config.json key); nil when all are fine.
    public func problem<Field: EncoderShapeField>(as _: Field.Type) -> (field: Field, problem: String)? {
        let limits = Self.limits
        if vocabularySize < 1 || vocabularySize > limits.vocabulary {
            return (.vocabularySize, "vocabulary size must be in 1...\(limits.vocabulary)")
        }
        if hiddenSize < 1 || hiddenSize > limits.hidden { return (.hiddenSize, "hidden size must be in 1...\(limits.hidden)") }
        if layerCount < 1 || layerCount > limits.layers { return (.layerCount, "layer count must be in 1...\(limits.layers)") }
        if headCount < 1 || hiddenSize % headCount != 0 {
            return (.headCount, "hidden size \(hiddenSize) is not a multiple of the head count \(headCount)")
        }
        if intermediateSize < 1 || intermediateSize > limits.intermediate {
            return (.intermediateSize, "intermediate size must be in 1...\(limits.intermediate)")
        }
        return nil
    }

    /// `flowlm info`'s "shape" row.
    public var summary: String {
        "vocab \(vocabularySize), hidden \(hiddenSize), \(layerCount) layers, \(headCount) heads (dim \(hiddenSize / headCount)), intermediate \(intermediateSize)"
    }
}

/// An architecture's list of the config settings a shape problem can be about: it has one for each size
/// `EncoderShape` checks (enum cases of these names satisfy it).
public protocol EncoderShapeField {
    static var vocabularySize: Self { get }
    static var hiddenSize: Self { get }
    static var layerCount: Self { get }
    static var headCount: Self { get }
    static var intermediateSize: Self { get }
}
