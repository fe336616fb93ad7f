import Foundation
import FlowCore
import FlowDiffusion
import FlowTUI

/// What the visualizer needs from a loaded model: a denoiser, and the tokenizer's two directions.
/// The composition root builds this from a checkpoint (ModernBERT + tokenizer.json).
/// Unchecked Sendable: the app hands it to its refinement worker, and only that worker's serial queue
/// calls the denoiser from then on.
public struct TUIModel: @unchecked Sendable {
    public var name: String
    public var denoiser: any Denoiser
    /// Literal prompt text → token ids (no special tokens; the canvas adds them).
    public var encode: @Sendable (String) throws -> [TokenID]
    /// Token id → the text piece the canvas draws.
    public var pieces: PieceLookup
    /// Ids the tokenizer can show (the model's vocabulary may be padded beyond them): repair mode draws its
    /// substitutes below this, as `flowlm generate --repair` does.
    public var textVocabularySize: Int

    public init(name: String, denoiser: any Denoiser, encode: @escaping @Sendable (String) throws -> [TokenID],
                pieces: PieceLookup, textVocabularySize: Int? = nil) {
        self.name = name; self.denoiser = denoiser; self.encode = encode; self.pieces = pieces
        self.textVocabularySize = textVocabularySize ?? denoiser.vocabularySize
    }
}

/// The trainer behind the train screen. `report` may be called from any thread.
public protocol TUITrainer: AnyObject {
    func start(_ settings: TrainSettings, report: @escaping @Sendable (TrainingProgress) -> Void) throws
    func pause()
    func resume()
    /// Saves a checkpoint now; also called when the app closes mid-training.
    func save() throws
}

/// Everything `TUIApp.run` needs; the CLI (`flowlm tui`, `flowlm` alone) fills it in.
public struct TUIOptions {
    public var model: TUIModel?
    /// Loads a model directory (used when the train screen opens the model it just saved).
    public var loadModel: ((String) throws -> TUIModel)?
    public var prompt: String
    public var knobs: SamplerKnobs
    /// `--theme 256|16|mono`; nil chooses from NO_COLOR and the terminal.
    public var theme: ColorDepth?
    /// A trace to replay at start (works without a model).
    public var replayTrace: String?
    /// Token pieces for replaying without a model (e.g. from the checkpoint's tokenizer.json alone);
    /// without them a replay shows token ids.
    public var replayPieces: PieceLookup?
    public var trainer: TUITrainer?
    public var environment: [String: String]
    /// Clicks and the wheel (`--no-mouse` leaves the mouse to the terminal, for selecting text).
    public var mouse = true
    /// `--repair TEXT`: open in repair mode on this text, damaged at `damageRates` with the knobs' seed.
    public var repairText: String?
    /// `--substitute`, `--mask`: how repair mode (`--repair`, the `R` key) damages a text.
    public var damageRates = DamageRates()

    public init(model: TUIModel? = nil, loadModel: ((String) throws -> TUIModel)? = nil, prompt: String = "",
                knobs: SamplerKnobs = SamplerKnobs(), theme: ColorDepth? = nil, replayTrace: String? = nil,
                replayPieces: PieceLookup? = nil, trainer: TUITrainer? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.model = model; self.loadModel = loadModel; self.prompt = prompt; self.knobs = knobs; self.theme = theme
        self.replayTrace = replayTrace; self.replayPieces = replayPieces; self.trainer = trainer
        self.environment = environment
    }
}
