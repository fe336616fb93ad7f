import Foundation
import FlowCore
import FlowDiffusion
import FlowTUI

/// Runs forward passes off the UI thread. Every use of the model and the Refiners happens on one serial
/// queue, so they need no locks; results go to the mailbox as actions.
final class RefinementWorker: @unchecked Sendable {
    private let queue = DispatchQueue(label: "flowlm.refinement")
    private let mailbox: Mailbox
    private var model: TUIModel?
    private var drivers: [Lane: RefinerDriver] = [:]

    init(model: TUIModel?, mailbox: Mailbox) {
        self.model = model
        self.mailbox = mailbox
    }

    /// Swaps the model (e.g. one just trained); later restarts use it.
    func replaceModel(_ newModel: TUIModel) {
        queue.async { self.model = newModel; self.drivers = [:] }
    }

    func restart(lane: Lane, prompt: String, knobs: SamplerKnobs, generation: Int) {
        queue.async {
            guard let model = self.model else {
                self.mailbox.post(.workFailed(lane: lane, message: "no model loaded"))
                return
            }
            do {
                let driver = try RefinerDriver.start(prompt: prompt, knobs: knobs, denoiser: model.denoiser,
                                                     encode: model.encode)
                self.drivers[lane] = driver
                self.mailbox.post(.started(lane: lane, generation: generation, frame: driver.initialFrame(knobs: knobs)))
            } catch {
                self.mailbox.post(.workFailed(lane: lane, message: "\(error)"))
            }
        }
    }

    /// Repair mode on the visualizer's lane: the damage is computed here, where the tokenizer is.
    func restartRepair(source: RepairSource, rates: DamageRates, knobs: SamplerKnobs, generation: Int) {
        queue.async {
            guard let model = self.model else {
                self.mailbox.post(.workFailed(lane: .main, message: "no model loaded"))
                return
            }
            do {
                let start = try RefinerDriver.startRepair(source: source, rates: rates, knobs: knobs, denoiser: model.denoiser,
                                                          textVocabularySize: model.textVocabularySize, encode: model.encode)
                self.drivers[.main] = start.driver
                self.mailbox.post(.repairStarted(generation: generation, frame: start.frame, damage: start.damage))
            } catch {
                self.mailbox.post(.workFailed(lane: .main, message: "\(error)"))
            }
        }
    }

    /// A trace opened with a model loaded: the visualizer's lane continues from its frames
    /// (`RefinerDriver.adopt`); when the model cannot take the trace, the lane has no loop until a restart.
    func adoptTrace(path: String, prompt: String, frames: [StepFrame]) {
        queue.async {
            guard let model = self.model else {
                self.mailbox.post(.traceOpened(path: path, prompt: prompt, frames: frames))
                return
            }
            let opened = RefinerDriver.open(trace: frames, path: path, prompt: prompt, denoiser: model.denoiser)
            self.drivers[.main] = opened.driver
            self.mailbox.post(opened.action)
        }
    }

    func keepSteps(lane: Lane, nodes: Set<Int>) {
        queue.async { self.drivers[lane]?.refiner.retain(nodes: nodes) }
    }

    func run(_ request: StepRequest, replan: Bool) {
        queue.async {
            guard let driver = self.drivers[request.lane] else {
                self.mailbox.post(.workFailed(lane: request.lane, message: "no canvas to step: press e for a prompt"))
                return
            }
            let start = DispatchTime.now().uptimeNanoseconds
            do {
                let frame = replan ? try driver.replan(request) : try driver.step(request)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                guard let frame else {
                    self.mailbox.post(.finished(request: request))
                    return
                }
                // A re-plan or a forced token runs no forward pass: no rate to report.
                let rate = replan || request.force != nil || seconds <= 0 ? nil : Double(frame.tokens.count) / seconds
                self.mailbox.post(.stepped(request: request, frame: frame, replanned: replan, tokensPerSecond: rate))
                if replan {
                    let source = driver.refiner.lastPlanSource
                    self.mailbox.post(.replanScored(lane: request.lane, withoutForwardPass: source != .forward,
                                                    source: source.rawValue, milliseconds: seconds * 1000))
                }
            } catch {
                self.mailbox.post(.workFailed(lane: request.lane, message: "\(error)"))
            }
        }
    }
}
