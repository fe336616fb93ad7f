import FlowCore

/// What a trace says about its run before the first step: enough to replay it without a model.
public struct TraceHeader: Sendable, Hashable {
    public static let format = "flowlm-trace"
    public static let currentVersion = 1

    public var version: Int
    /// A label for the model (checkpoint directory name or "fake").
    public var model: String
    public var knobs: SamplerKnobs
    public var vocabularySize: Int
    public var canvas: Canvas

    public init(model: String, knobs: SamplerKnobs, vocabularySize: Int, canvas: Canvas,
                version: Int = TraceHeader.currentVersion) {
        self.version = version; self.model = model; self.knobs = knobs
        self.vocabularySize = vocabularySize; self.canvas = canvas
    }

    public var specialTokens: SpecialTokens { canvas.specialTokens }
    /// The prompt's token ids in canvas order (holes and special tokens excluded).
    public var promptIDs: [TokenID] { canvas.tokens.indices.filter { canvas.roles[$0] == .prompt }.map { canvas.tokens[$0] } }
}

/// One recorded step and the knobs it ran with.
public struct TraceStep: Sendable, Hashable {
    public var knobs: SamplerKnobs
    public var step: RefinementStep
    public init(knobs: SamplerKnobs, step: RefinementStep) { self.knobs = knobs; self.step = step }
}

/// A whole trace: the header and the steps of one path through the history.
public struct Trace: Sendable, Hashable {
    public var header: TraceHeader
    public var steps: [TraceStep]
    public init(header: TraceHeader, steps: [TraceStep]) { self.header = header; self.steps = steps }
}

extension PositionRole {
    /// One letter per position in the header's `roles` string.
    var letter: Character {
        switch self { case .special: "S"; case .prompt: "P"; case .hole: "H"; case .answer: "A" }
    }

    init?(letter: Character) {
        switch letter {
        case "S": self = .special
        case "P": self = .prompt
        case "H": self = .hole
        case "A": self = .answer
        default: return nil
        }
    }
}

extension Refiner {
    /// The trace of the path from the initial canvas to the cursor; knobs of the header are the first step's.
    public func trace(model: String) -> Trace {
        let recorded = recordedSteps.map { TraceStep(knobs: $0.knobs, step: $0.step) }
        let header = TraceHeader(model: model, knobs: recorded.first?.knobs ?? knobs,
                                 vocabularySize: denoiser.vocabularySize, canvas: initialCanvas)
        return Trace(header: header, steps: recorded)
    }
}
