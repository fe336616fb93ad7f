import FlowKernels

/// One named tensor inside a model's parameter arena.
public struct ParameterSlot: Sendable, Equatable {
    /// The tensor's name: HF's for ModernBERT (with the `model.` prefix), FlowLM's own for the BERT family
    /// (whose loader maps HF's names onto them).
    public let name: String
    public let shape: [Int]
    /// Index of the first element in the arena.
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
    public var range: Range<Int> { offset..<(offset + count) }
}

/// A tensor with an optional bias of its own: a norm's or a linear layer's parameters.
public protocol WeightAndBiasSlots: Sendable, Equatable {
    var weight: ParameterSlot { get }
    var bias: ParameterSlot? { get }
}

public struct NormSlots: WeightAndBiasSlots {
    public let weight: ParameterSlot
    public let bias: ParameterSlot?
}

public struct LinearSlots: WeightAndBiasSlots {
    /// [out, in], as nn.Linear stores it.
    public let weight: ParameterSlot
    public let bias: ParameterSlot?
}

/// Where every parameter of a model lives in ONE contiguous Float arena (llm.c style, docs/DECISIONS.md,
/// "Parameter arena"), whatever the architecture: each layout lists its slots in arena order.
public protocol ArenaLayout: Sendable, Equatable {
    /// Every slot in arena order.
    var slots: [ParameterSlot] { get }
    /// Arena length in floats (including alignment padding).
    var totalCount: Int { get }
    /// The weights the inference GEMM multiplies by: every linear layer's and the decoder's.
    var linearWeights: [ParameterSlot] { get }
    /// The token-embedding table the lookup reads (also the decoder's weight when they are tied).
    var embeddingTable: ParameterSlot { get }
}

extension ArenaLayout {
    /// Every slot starts at a multiple of this many floats (`ArenaLayoutBuilder` places them).
    public static var alignment: Int { ArenaLayoutBuilder.alignment }

    /// Parameters the model really has (padding excluded; a tied decoder counted once).
    public var parameterCount: Int { slots.reduce(0) { $0 + $1.count } }

    public func slot(named name: String) -> ParameterSlot? { slots.first { $0.name == name } }
}

/// Hands out arena slots one after another, each starting at a multiple of `alignment` floats (64 bytes) so SIMD
/// loads of a row start aligned; the padding floats stay 0.
struct ArenaLayoutBuilder {
    static let alignment = 16

    private(set) var slots: [ParameterSlot] = []
    /// Floats handed out so far, padding included: the arena's length once every slot is placed.
    private(set) var totalCount = 0

    mutating func slot(_ name: String, _ shape: [Int]) -> ParameterSlot {
        let s = ParameterSlot(name: name, shape: shape, offset: totalCount)
        slots.append(s)
        let a = Self.alignment
        totalCount = (totalCount + s.count + a - 1) / a * a
        return s
    }
}

/// A model whose parameters are one flat arena that `layout` describes.
public protocol ArenaModel {
    associatedtype Layout: ArenaLayout
    var layout: Layout { get }
    var parameters: [Float] { get }
}

extension ArenaModel {
    /// Values of one tensor, from the float32 arena (a model packed for inference has none: load it with
    /// `ParameterForm.arena` to read or save its tensors).
    public func values(_ slot: ParameterSlot) -> ArraySlice<Float> {
        precondition(!parameters.isEmpty, "'\(slot.name)': a model packed for inference keeps no float32 arena")
        return parameters[slot.range]
    }
}
