import Foundation
import FlowCore
import FlowDiffusion
import FlowTUI

/// Saves the visualizer's active branch as a FlowDiffusion trace (the same JSON Lines as
/// `flowlm generate --trace`) and turns a trace back into frames for replay without a model.
enum TraceFiles {
    /// What a trace header needs beyond the frames.
    struct Context {
        var model: String
        var vocabularySize: Int
        var specialTokens: SpecialTokens
    }

    /// Writes frames 0…n of a branch. User-force frames are skipped: the next computed step records the
    /// force as a change, which is how the trace format carries it.
    static func save(_ frames: [StepFrame], context: Context, to path: String) throws {
        guard let first = frames.first else { throw FileProblem(path, "nothing to save: no canvas yet") }
        let canvas = try Canvas(tokens: first.tokens, roles: first.roles, specialTokens: context.specialTokens)
        let steps = frames.compactMap { frame in frame.source.map { TraceStep(knobs: frame.knobs, step: $0) } }
        let header = TraceHeader(model: context.model, knobs: steps.first?.knobs ?? first.knobs,
                                 vocabularySize: context.vocabularySize, canvas: canvas)
        try TraceWriter.write(Trace(header: header, steps: steps), to: URL(fileURLWithPath: path))
    }

    /// The frames of a trace and the context to save it again.
    static func load(_ path: String) throws -> (frames: [StepFrame], context: Context, prompt: [TokenID]) {
        let trace = try TraceReader.read(contentsOf: URL(fileURLWithPath: path))
        let header = trace.header
        let frames = trace.frames
        let context = Context(model: header.model, vocabularySize: header.vocabularySize,
                              specialTokens: header.specialTokens)
        return (frames, context, header.promptIDs)
    }
}
