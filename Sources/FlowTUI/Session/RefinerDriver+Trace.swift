import FlowCore
import FlowDiffusion

extension RefinerDriver {
    /// A replayed trace handed to the loaded model: a Refiner on the trace's first canvas that adopts every
    /// later frame as a node (`Refiner.adopt`), so stepping, forcing or re-planning from any replayed frame
    /// continues from that frame's canvas. Returns the frames with their nodes; throws when the model cannot
    /// take the trace (another vocabulary or special tokens, a canvas longer than its context).
    public static func adopt(trace frames: [StepFrame], denoiser: any Denoiser) throws -> (driver: RefinerDriver, frames: [StepFrame]) {
        guard let first = frames.first else { throw DiffusionError.invalidCanvas("the trace has no canvas") }
        let canvas = try Canvas(tokens: first.tokens, roles: first.roles, specialTokens: denoiser.specialTokens)
        let refiner = try Refiner(denoiser: denoiser, canvas: canvas, knobs: first.knobs)
        var adopted = [first]
        adopted[0].nodeID = nil
        for var frame in frames.dropFirst() {
            frame.nodeID = try refiner.adopt(frame.tokens, knobs: frame.knobs)
            adopted.append(frame)
        }
        return (RefinerDriver(refiner: refiner), adopted)
    }

    /// What opening a trace hands the main lane: the driver that continues it (nil when the model cannot
    /// take the trace) and the action the reducer gets, which carries the refusal for the status line.
    public static func open(trace frames: [StepFrame], path: String, prompt: String,
                            denoiser: any Denoiser) -> (driver: RefinerDriver?, action: Action) {
        do {
            let adopted = try adopt(trace: frames, denoiser: denoiser)
            return (adopted.driver, .traceOpened(path: path, prompt: prompt, frames: adopted.frames))
        } catch {
            return (nil, .traceOpened(path: path, prompt: prompt, frames: frames, cannotContinue: "\(error)"))
        }
    }
}
