import Foundation
import FlowCore
import FlowDiffusion
import FlowTUI

extension Trace {
    /// The frames a trace shows: its starting canvas, then one per recorded step.
    public var frames: [StepFrame] {
        [StepFrame(initial: header.canvas, knobs: header.knobs)]
            + steps.map { StepFrame(step: $0.step, roles: header.canvas.roles, knobs: $0.knobs, nodeID: nil) }
    }
}

/// `flowlm replay`: a validated trace printed step by step, without a model.
public struct Replay: Sendable {
    public let trace: Trace

    /// Reads and validates the whole file first; a bad line is an error naming the file and the line.
    public init(path: String) throws {
        trace = try TraceReader.read(contentsOf: URL(fileURLWithPath: path))
    }

    public init(trace: Trace) { self.trace = trace }

    /// Without a tokenizer, tokens show as their ids.
    public static let idPieces = PieceLookup { "‹\($0)›" }

    /// `trace: model scripted · flowlm · seed 7 · 19 steps · vocab 20 · 45 positions`.
    public var summaryLine: String {
        let h = trace.header
        return "trace: model \(h.model) · \(h.knobs.sampler.rawValue) · seed \(h.knobs.seed) · \(trace.steps.count) steps"
            + " · vocab \(h.vocabularySize) · \(h.canvas.count) positions"
    }

    /// Everything `flowlm replay` prints: the summary, then each frame's header, canvas and changes.
    public func lines(_ text: FrameText) -> [String] {
        var out = [summaryLine]
        let frames = trace.frames
        for frame in frames {
            out.append(text.header(frame, of: frames.count - 1))
            out.append(text.canvas(frame, markers: true))
            out += text.changeLines(frame)
        }
        return out
    }

    /// One JSON object: the header's facts and per step its phase, tokens, text (when pieces are known)
    /// and changes.
    public func json(pieces: PieceLookup?) -> String {
        func int(_ n: Int) -> JSONValue { .number(String(n)) }
        func ids(_ values: [TokenID]) -> JSONValue { .array(values.map { .number(String($0)) }) }
        let h = trace.header
        let special = h.specialTokens
        func text(_ tokens: [TokenID]) -> JSONValue {
            guard let pieces else { return .null }
            return .string(tokens.map { $0 == special.mask ? "[MASK]" : special.isReserved($0) ? "" : pieces($0) }.joined())
        }
        let steps: [JSONValue] = trace.steps.map { recorded in
            let step = recorded.step
            let changes: [JSONValue] = step.changes.map { c in
                .object([("pos", int(c.position)), ("kind", .string(c.kind.rawValue)), ("from", int(Int(c.from))),
                         ("to", int(Int(c.to))), ("p_from", .number(c.pFrom.description)), ("p_to", .number(c.pTo.description)),
                         ("reason", .string(c.reason.code.rawValue)), ("why", .string(c.reason.text))])
            }
            return .object([("step", int(step.index)), ("phase", .string(step.phase.rawValue)),
                            ("phase_after", .string(step.phaseAfter.rawValue)), ("forward_passes", int(step.forwardPasses)),
                            ("tokens", ids(step.after)), ("text", text(step.after)), ("changes", .array(changes))])
        }
        let value: JSONValue = .object([
            ("model", .string(h.model)), ("sampler", .string(h.knobs.sampler.rawValue)), ("seed", .number(String(h.knobs.seed))),
            ("vocab_size", int(h.vocabularySize)), ("positions", int(h.canvas.count)), ("prompt_ids", ids(h.promptIDs)),
            ("canvas", ids(h.canvas.tokens)), ("text", text(h.canvas.tokens)), ("step_count", int(trace.steps.count)),
            ("steps", .array(steps)),
        ])
        return value.serialized
    }
}
