import FlowCore
import FlowDiffusion

public enum Screen: String, Sendable, Hashable, CaseIterable { case visualizer, ab, train }
public enum Panel: String, Sendable, Hashable, CaseIterable { case canvas, inspector, timeline }

/// A one-line text field (prompt editor, trace path); Enter submits, Esc cancels, Ctrl keys edit as in a shell.
public struct TextField: Sendable, Hashable {
    public enum Purpose: Sendable, Hashable { case prompt, openTrace, corpusPath }
    public var purpose: Purpose
    public var text: String
    public var cursor: Int
    public init(purpose: Purpose, text: String) { self.purpose = purpose; self.text = text; cursor = text.count }

    /// The shell's (readline's) Ctrl keys: A/E start and end, B/F back and forward, W deletes the word before
    /// the cursor, K and U delete to the end and to the start.
    static let lineEditingKeys: [Character] = ["a", "e", "b", "f", "w", "k", "u"]

    mutating func applyLineEditing(_ key: Character) {
        let characters = Array(text)
        switch key {
        case "a": cursor = 0
        case "e": cursor = characters.count
        case "b": cursor = max(0, cursor - 1)
        case "f": cursor = min(characters.count, cursor + 1)
        case "u": text = String(characters[cursor...]); cursor = 0
        case "k": text = String(characters[..<cursor])
        case "w":
            var start = cursor
            while start > 0, characters[start - 1].isWhitespace { start -= 1 }
            while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
            text = String(characters[..<start] + characters[cursor...])
            cursor = start
        default: break
        }
    }
}

/// Turns token ids into the text pieces the canvas draws (the tokenizer's decoder, injected by the app
/// so FlowTUI does not depend on FlowTokenizer).
public struct PieceLookup: Sendable {
    public let text: @Sendable (TokenID) -> String
    public init(_ text: @escaping @Sendable (TokenID) -> String) { self.text = text }
    public func callAsFunction(_ id: TokenID) -> String { text(id) }
}

/// Everything on screen, as a value: `reduce` changes it, `render` draws it.
public struct AppState: Sendable {
    public var screen: Screen = .visualizer
    public var showHelp = false
    /// The help's first row on screen when it scrolls (HelpLayout).
    public var helpScroll = 0
    public var focus: Panel = .canvas
    public var textField: TextField?

    public var modelName: String
    /// False when replaying a trace without a model: stepping past the trace is then impossible.
    public var hasModel: Bool
    /// Why the loaded model cannot step, force or re-plan from the replayed trace on screen (another
    /// vocabulary, a canvas beyond its context); nil when it can, or when no trace is on screen.
    public var traceRefusal: String?
    public var pieces: PieceLookup
    public var maskToken: TokenID
    public var theme: Theme

    public var prompt: String
    /// The knobs the next step or re-plan uses.
    public var knobs: SamplerKnobs
    /// What colours the canvas (three sampler measures or p(current)).
    public var colorMeasure: ColorMeasure = .probability
    /// Repair mode (`flowlm tui --repair`, the `R` key): what was damaged and how; nil in generation mode.
    public var repair: RepairMode?
    /// What `R` and repair restarts damage (`--substitute`, `--mask`).
    public var damageRates = DamageRates()
    /// The visualizer's steps; nil until the first canvas arrives.
    public var history: History?
    /// The A/B view's two sides (same prompt and seed, two samplers), stepped in lockstep.
    public var abHistories: [History?] = [nil, nil]
    public var abSamplers: [any Sampler] = Samplers.compared

    public var cursor = 0
    public var candidateIndex = 0
    public var pinned: Set<Int> = []
    public var autoplay = false
    public var speedIndex = 2
    public var heatmap = false
    /// Lanes with a request in flight; Space is ignored for a busy lane instead of queueing.
    public var busy: Set<Lane> = []
    /// Bumped on restart so late results of an older canvas are dropped.
    public var generation = 0
    public var status: String?
    public var statusIsError = false
    public var tokensPerSecond: Double?
    public var tracePath = "trace.jsonl"

    public var training = TrainingProgress()
    public var trainSettings = TrainSettings()
    public var shouldQuit = false
    /// The terminal size last reported, for layout-dependent keys (cursor up/down).
    public var screenWidth = 80
    public var screenHeight = 24

    public static let autoplayDelays = [1000, 600, 300, 150, 80, 40]

    public init(modelName: String, hasModel: Bool, pieces: PieceLookup, maskToken: TokenID, theme: Theme,
                prompt: String = "", knobs: SamplerKnobs = SamplerKnobs()) {
        self.modelName = modelName; self.hasModel = hasModel; self.pieces = pieces; self.maskToken = maskToken
        self.theme = theme; self.prompt = prompt; self.knobs = knobs
    }

    /// Milliseconds between autoplay steps.
    public var autoplayDelay: Int { AppState.autoplayDelays[min(max(0, speedIndex), AppState.autoplayDelays.count - 1)] }

    /// The history the current screen steps through (the A/B view reports its left side).
    public var visibleHistory: History? { screen == .ab ? abHistories[0] : history }

    /// The frame on screen in the visualizer.
    public var currentFrame: StepFrame? { history?.current }

    /// Where keys go right now: text fields and the help overlay capture them first.
    public var keyScope: KeyScope {
        if textField != nil { return .textField }
        if showHelp { return .help }
        return screen.keyScope
    }
}

extension Screen {
    /// Where keys go on this screen when nothing is open over it.
    public var keyScope: KeyScope {
        switch self {
        case .visualizer: return .visualizer
        case .ab: return .ab
        case .train: return .train
        }
    }
}
