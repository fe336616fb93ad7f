import FlowCore

/// Where a source stands, saved in train_state.json for an exact resume.
public struct DataPosition: Sendable, Equatable, Codable {
    /// Passes completed over a fixed example set, and the index within the current pass.
    public var epoch: Int
    public var offset: Int
    /// A synthetic source's generator state (four words, as hex in JSON via `TrainState`).
    public var generator: [UInt64]?
    /// Examples handed out so far.
    public var produced: Int

    public init(epoch: Int = 0, offset: Int = 0, generator: [UInt64]? = nil, produced: Int = 0) {
        self.epoch = epoch; self.offset = offset; self.generator = generator; self.produced = produced
    }
}

/// An endless, deterministic stream of training examples whose position can be saved and restored.
public protocol ExampleSource: Sendable {
    mutating func next() -> TrainingExample
    var position: DataPosition { get }
    mutating func restore(_ position: DataPosition) throws(DataError)
}

/// A fixed example set visited in a fresh seeded permutation each epoch (Fisher–Yates). The
/// permutation depends only on (seed, epoch), so a position restores without replaying the past.
public struct ShuffledExamples: ExampleSource {
    public let examples: [TrainingExample]
    public let seed: UInt64
    public private(set) var position = DataPosition()
    private var order: [Int]

    public init(examples: [TrainingExample], seed: UInt64) throws(DataError) {
        guard !examples.isEmpty else { throw DataError(path: "training data", "no training examples") }
        self.examples = examples
        self.seed = seed
        self.order = Self.permutation(count: examples.count, seed: seed, epoch: 0)
    }

    public static func permutation(count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = FlowRandom(seed: seed &+ UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15)
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextInt(below: i + 1)) }
        }
        return order
    }

    public mutating func next() -> TrainingExample {
        if position.offset == examples.count {
            position.epoch += 1
            position.offset = 0
            order = Self.permutation(count: examples.count, seed: seed, epoch: position.epoch)
        }
        let example = examples[order[position.offset]]
        position.offset += 1
        position.produced += 1
        return example
    }

    public mutating func restore(_ saved: DataPosition) throws(DataError) {
        guard saved.epoch >= 0, (0...examples.count).contains(saved.offset), saved.generator == nil else {
            throw DataError(path: "train_state.json", "data position \(saved.epoch):\(saved.offset) does not fit \(examples.count) examples")
        }
        position = saved
        order = Self.permutation(count: examples.count, seed: seed, epoch: saved.epoch)
    }
}

/// Endless examples of a synthetic task from its own generator.
public struct SyntheticExamples: ExampleSource {
    public let task: any SyntheticTask
    private var random: FlowRandom
    private var produced = 0

    public init(task: any SyntheticTask, seed: UInt64, contextLength: Int) throws(DataError) {
        guard task.maximumSequenceLength <= contextLength else {
            throw DataError(path: task.name, "examples reach \(task.maximumSequenceLength) tokens, the context holds \(contextLength)")
        }
        self.task = task
        self.random = FlowRandom(seed: seed)
    }

    public mutating func next() -> TrainingExample {
        produced += 1
        return task.example(task.sample(using: &random))
    }

    public var position: DataPosition { DataPosition(generator: random.state, produced: produced) }

    public mutating func restore(_ saved: DataPosition) throws(DataError) {
        guard let words = saved.generator, let restored = FlowRandom(state: words) else {
            throw DataError(path: "train_state.json", "synthetic data position has no valid generator state")
        }
        random = restored
        produced = saved.produced
    }
}

/// Any source behind one type, for code that picks the source at run time (text, pairs or a task).
public struct AnyExampleSource: ExampleSource {
    private var base: any ExampleSource
    public init(_ base: any ExampleSource) { self.base = base }
    public mutating func next() -> TrainingExample { base.next() }
    public var position: DataPosition { base.position }
    public mutating func restore(_ position: DataPosition) throws(DataError) { try base.restore(position) }
}
