import FlowCore

/// A [B, T] batch, row-major, padding at the end of each row.
public struct Batch: Sendable, Equatable {
    public let batchSize: Int
    public let length: Int
    public var inputIds: [TokenID]
    public var labels: [TokenID]
    public var weights: [Float]
    public var kinds: [PositionKind]
    /// Unpadded length of each row: position p of row b is attended to iff p < lengths[b].
    public var lengths: [Int]
    public var noiseLevels: [Double]

    /// Stacks corrupted rows, padding each to `length` with ignored [PAD] positions.
    public init(rows: [CorruptedSequence], length: Int, pad: TokenID) {
        precondition(rows.allSatisfy { $0.input.count <= length }, "Batch: a row is longer than the batch length")
        batchSize = rows.count
        self.length = length
        let n = rows.count * length
        inputIds = [TokenID](repeating: pad, count: n)
        labels = [TokenID](repeating: pad, count: n)
        weights = [Float](repeating: 0, count: n)
        kinds = [PositionKind](repeating: .ignored, count: n)
        lengths = rows.map(\.input.count)
        noiseLevels = rows.map(\.noiseLevel)
        for (b, row) in rows.enumerated() {
            let base = b * length
            for p in row.input.indices {
                inputIds[base + p] = row.input[p]
                labels[base + p] = row.labels[p]
                weights[base + p] = row.weights[p]
                kinds[base + p] = row.kinds[p]
            }
        }
    }

    /// True at positions the model attends to (inside each row's length).
    public var attentionMask: [Bool] {
        var mask = [Bool](repeating: false, count: batchSize * length)
        for b in 0..<batchSize { for p in 0..<lengths[b] { mask[b * length + p] = true } }
        return mask
    }

    /// Non-padding tokens (for tokens/s and tokens seen).
    public var tokenCount: Int { lengths.reduce(0, +) }
}

/// The batcher's whole state: where the data stands and the corruption generator.
public struct BatcherState: Sendable, Equatable, Codable {
    public var data: DataPosition
    public var corruptionRandom: [UInt64]
}

/// Deterministic batches: examples from a source, corrupted with the batcher's own generator.
public struct Batcher<Source: ExampleSource>: Sendable {
    public private(set) var source: Source
    public let corruptor: Corruptor
    public let batchSize: Int
    public let length: Int
    private var random: FlowRandom

    public init(source: Source, corruptor: Corruptor, batchSize: Int, length: Int, seed: UInt64) {
        precondition(batchSize > 0 && length > 0, "Batcher: empty batch shape")
        self.source = source; self.corruptor = corruptor; self.batchSize = batchSize; self.length = length
        self.random = FlowRandom(seed: seed)
    }

    public mutating func nextBatch() -> Batch {
        var rows: [CorruptedSequence] = []
        rows.reserveCapacity(batchSize)
        for _ in 0..<batchSize {
            let example = source.next()
            rows.append(corruptor.corrupt(example.ids, editable: example.editable, using: &random))
        }
        return Batch(rows: rows, length: length, pad: corruptor.specials.pad)
    }

    public var state: BatcherState { BatcherState(data: source.position, corruptionRandom: random.state) }

    public mutating func restore(_ state: BatcherState) throws(DataError) {
        guard let restored = FlowRandom(state: state.corruptionRandom) else {
            throw DataError(path: "train_state.json", "corruption generator state is not four non-zero words")
        }
        try source.restore(state.data)
        random = restored
    }
}

extension Batch {
    /// Fixed validation batches: every example once, in order, corrupted with a generator seeded by
    /// `seed`, so validation loss is comparable from step to step. The last batch may be smaller.
    public static func fixed(_ examples: [TrainingExample], corruptor: Corruptor, batchSize: Int, length: Int,
                             seed: UInt64) -> [Batch] {
        var rng = FlowRandom(seed: seed)
        var batches: [Batch] = []
        var start = 0
        while start < examples.count {
            let rows = examples[start..<min(start + batchSize, examples.count)].map {
                corruptor.corrupt($0.ids, editable: $0.editable, using: &rng)
            }
            batches.append(Batch(rows: rows, length: length, pad: corruptor.specials.pad))
            start += batchSize
        }
        return batches
    }
}
