/// A point of a training curve.
public struct CurvePoint: Sendable, Hashable {
    public var step: Int
    public var value: Double
    public init(step: Int, value: Double) { self.step = step; self.value = value }
}

/// A named curve (e.g. "loss masked", "val loss"), drawn as one braille line.
public struct Curve: Sendable, Hashable {
    public var name: String
    public var points: [CurvePoint]
    public init(name: String, points: [CurvePoint] = []) { self.name = name; self.points = points }
}

/// What the train screen shows; the trainer (through the app layer) posts a fresh value as it runs.
public struct TrainingProgress: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case idle, running, paused, saving
        case saved(directory: String)
        case finished(directory: String)
        case failed(message: String)
    }

    public var phase: Phase = .idle
    public var step = 0
    public var totalSteps = 0
    public var tokensPerSecond = 0.0
    public var etaSeconds: Double?
    /// Training loss by corruption type plus validation loss, each one curve.
    public var curves: [Curve] = []
    public var accuracyMasked: Double?
    public var accuracySubstituted: Double?
    public var accuracyKept: Double?
    public var learningRate: Double?
    public var sampleStep: Int?
    public var sampleText = ""

    public init() {}

    public var fraction: Double { totalSteps > 0 ? min(1, Double(step) / Double(totalSteps)) : 0 }

    public var phaseLabel: String {
        switch phase {
        case .idle: return "ready"
        case .running: return "training"
        case .paused: return "paused"
        case .saving: return "saving…"
        case let .saved(directory): return "saved to \(directory)"
        case let .finished(directory): return "finished: \(directory)"
        case let .failed(message): return "failed: \(message)"
        }
    }

    /// The directory of a saved model, once there is one to visualize.
    public var savedDirectory: String? {
        switch phase {
        case let .saved(directory), let .finished(directory): return directory
        default: return nil
        }
    }
}

/// The choices made on the train screen before (and while) training.
public struct TrainSettings: Sendable, Hashable {
    public static let corpora = ["synthetic:palindrome", "synthetic:dyck", "synthetic:addition", "corpus.txt"]
    public static let objectives = ["flowlm", "llada", "bert", "uniform"]
    public static let presets = ["toy", "small", "base"]

    public var corpus = corpora[0]
    public var objective = objectives[0]
    public var preset = presets[0]
    public var substituteRate = 0.2
    public var keepWeight = 1.0
    public var outputDirectory = "runs/mine"

    public init() {}
}
