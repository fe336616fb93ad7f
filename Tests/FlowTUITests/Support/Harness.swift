import FlowCore
import FlowDiffusion
import Testing
@testable import FlowTUI

/// Runs actions through `reduce` and performs step/restart effects synchronously on Refiners over the
/// scripted denoiser, the way the app does on its worker thread.
final class Harness {
    var state: AppState
    var effects: [Effect] = []
    private var drivers: [Lane: RefinerDriver] = [:]
    let denoiser = ScriptedDenoiser()
    /// When true, step and re-plan effects wait in `held` until `release()`, like a slow forward pass.
    var holdsWork = false
    private var held: [Effect] = []

    init(prompt: String = "the mind is", depth: ColorDepth = .palette256) {
        state = AppState(modelName: "scripted", hasModel: true, pieces: ScriptedDenoiser.pieces,
                         maskToken: ScriptedDenoiser.special.mask, theme: Theme(depth: depth),
                         prompt: prompt, knobs: ScriptedDenoiser.knobs)
    }

    func send(_ action: Action) throws {
        let (next, requested) = reduce(state, action)
        state = next
        effects += requested
        for effect in requested { try perform(effect) }
    }

    func press(_ keys: KeyPress...) throws { for key in keys { try send(.key(key)) } }
    func type(_ text: String) throws { for c in text { try send(.key(.character(c))) } }

    func release() throws {
        let work = held
        held = []
        for effect in work { try perform(effect, now: true) }
    }

    func perform(_ effect: Effect, now: Bool = false) throws {
        if holdsWork, !now {
            switch effect {
            case .step, .replan: held.append(effect); return
            default: break
            }
        }
        switch effect {
        case let .restart(lane, prompt, knobs, generation):
            let driver = try RefinerDriver.start(prompt: prompt, knobs: knobs, denoiser: denoiser,
                                                 encode: ScriptedDenoiser.encode)
            drivers[lane] = driver
            try send(.started(lane: lane, generation: generation, frame: driver.initialFrame(knobs: knobs)))
        case let .restartRepair(source, rates, knobs, generation):
            let start = try RefinerDriver.startRepair(source: source, rates: rates, knobs: knobs, denoiser: denoiser,
                                                      textVocabularySize: denoiser.vocabularySize,
                                                      encode: ScriptedDenoiser.encode)
            drivers[.main] = start.driver
            try send(.repairStarted(generation: generation, frame: start.frame, damage: start.damage))
        case let .step(request), let .replan(request):
            let driver = try #require(drivers[request.lane])
            let isReplan: Bool
            if case .replan = effect { isReplan = true } else { isReplan = false }
            let frame = isReplan ? try driver.replan(request) : try driver.step(request)
            if let frame {
                try send(.stepped(request: request, frame: frame, replanned: isReplan, tokensPerSecond: nil))
            } else {
                try send(.finished(request: request))
            }
        case let .keepSteps(lane, nodes):
            drivers[lane]?.refiner.retain(nodes: nodes)
        default:
            break
        }
    }

    func refiner(_ lane: Lane) -> Refiner? { drivers[lane]?.refiner }

    /// A trace opened with the model loaded, as the app's worker does it (`RefinerDriver.adopt`).
    func openTrace(_ frames: [StepFrame], prompt: String = "the mind is") throws {
        let opened = RefinerDriver.open(trace: frames, path: "t.jsonl", prompt: prompt, denoiser: denoiser)
        drivers[.main] = opened.driver
        try send(opened.action)
    }
}
