import FlowCore
import FlowKernels
import FlowModel

/// What a model benchmark runs: a preset at a batch shape, with a compute policy, after warm-up runs.
public struct BenchmarkShape: Sendable {
    public var preset: ModelPreset
    public var batch: Int
    public var length: Int
    public var policy: ComputePolicy
    public var warmups = 2
    public var repeats: Int

    public init(preset: ModelPreset, batch: Int, length: Int, policy: ComputePolicy, repeats: Int) {
        self.preset = preset; self.batch = batch; self.length = length; self.policy = policy; self.repeats = repeats
    }
}

/// Median and minimum of the timed runs, and the fields every `flowlm bench forward|train` JSON line starts
/// with, under the keys Tools/peer_torch*.py print, so the Tools scripts can divide one by the other.
public struct BenchmarkTimes: Sendable {
    public let shape: BenchmarkShape
    public let medianMilliseconds: Double
    public let minimumMilliseconds: Double

    /// `milliseconds`: one value per timed run (at least one).
    public init(shape: BenchmarkShape, milliseconds: [Double]) {
        let sorted = milliseconds.sorted()
        self.shape = shape
        medianMilliseconds = sorted[sorted.count / 2]
        minimumMilliseconds = sorted[0]
    }

    public var tokensPerSecond: Double { Double(shape.batch * shape.length) / (medianMilliseconds / 1000) }

    var jsonFields: [(key: String, value: JSONValue)] {
        func number(_ n: Int) -> JSONValue { .number(String(n)) }
        func milliseconds(_ x: Double) -> JSONValue { .number(String(format: "%.3f", x)) }
        return [
            ("engine", .string("flowlm")), ("preset", .string(shape.preset.rawValue)), ("batch", number(shape.batch)),
            ("length", number(shape.length)), ("threads", number(shape.policy.threads)),
            ("strategy", .string(shape.policy.strategy.rawValue)), ("repeats", number(shape.repeats)),
            ("median_ms", milliseconds(medianMilliseconds)), ("min_ms", milliseconds(minimumMilliseconds)),
            ("tokens_per_s", .number(String(format: "%.1f", tokensPerSecond))),
        ]
    }
}
