/// Everything that shapes a run besides the data: saved in train_state.json and in the model card.
public struct TrainingKnobs: Sendable, Equatable, Codable {
    public var corruption: CorruptionKnobs
    public var schedule: LearningRateSchedule
    public var optimizer: AdamWConfig
    public var batchSize: Int
    public var length: Int
    /// Micro-batches summed per optimiser step.
    public var accumulation: Int
    /// Global gradient-norm limit; nil disables clipping.
    public var clipNorm: Double?
    public var seed: UInt64

    public init(corruption: CorruptionKnobs, schedule: LearningRateSchedule, optimizer: AdamWConfig = AdamWConfig(),
                batchSize: Int, length: Int, accumulation: Int = 1, clipNorm: Double? = 1.0, seed: UInt64) {
        self.corruption = corruption; self.schedule = schedule; self.optimizer = optimizer
        self.batchSize = batchSize; self.length = length; self.accumulation = accumulation
        self.clipNorm = clipNorm; self.seed = seed
    }
}
