import FlowKernels

/// How a loaded model keeps its parameters.
public enum ParameterForm: Sendable, Equatable {
    /// Every tensor in one float32 arena: what training, saving and conversion read and write.
    case arena
    /// Packed for inference as the tensors are read (`PackedParameters`), in `precision` (nil:
    /// `InferencePrecision.automatic`) where the CPU runs it, where the CPU has the packed kernel; the float32 arena
    /// elsewhere.
    case inference(precision: InferencePrecision?)
}

/// Where a loader writes the tensors it reads: a float32 arena, or straight into `PackedParameters`, so that loading
/// for inference never holds an arena of the linear weights beside their packed copies.
struct ParameterSink {
    private var arena: [Float]
    private var builder: PackedParametersBuilder?

    init(layout: some ArenaLayout, form: ParameterForm) {
        if case .inference(let precision) = form {
            builder = PackedParametersBuilder(layout: layout, precision: precision)
        } else {
            builder = nil
        }
        arena = builder == nil ? [Float](repeating: 0, count: layout.totalCount) : []
    }

    /// `values` into `slot` from element `offset` on.
    mutating func write(_ values: [Float], into slot: ParameterSlot, at offset: Int = 0) {
        if builder != nil {
            builder!.write(values, into: slot, at: offset)
        } else {
            let start = slot.offset + offset
            arena.replaceSubrange(start..<(start + values.count), with: values)
        }
    }

    /// The arena (empty when packed) and the packed parameters (nil in the arena form).
    consuming func finish() -> (parameters: [Float], packed: PackedParameters?) {
        (arena, builder?.finish())
    }
}

extension ArenaModel {
    /// This model's arena packed for inference in `precision`; nil where the CPU has no packed kernel or when there is
    /// no arena.
    func packArena(precision: InferencePrecision?) -> PackedParameters? {
        guard !parameters.isEmpty, var builder = PackedParametersBuilder(layout: layout, precision: precision) else { return nil }
        for slot in layout.slots { builder.write(parameters[slot.range], into: slot) }
        return builder.finish()
    }
}
