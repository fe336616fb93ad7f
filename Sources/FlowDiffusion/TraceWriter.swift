import FlowCore
import Foundation

/// Writes traces as JSON Lines with a fixed key order and Swift's shortest round-trip float text, so the
/// same run gives the same bytes on every machine and a reader gets back the exact Float values.
public enum TraceWriter {
    /// The whole file: header line, then one line per step, each ending in "\n".
    public static func document(_ trace: Trace) -> String {
        var out = headerLine(trace.header) + "\n"
        for recorded in trace.steps {
            out += stepLine(recorded.step, knobs: recorded.knobs, header: trace.header) + "\n"
        }
        return out
    }

    public static func write(_ trace: Trace, to url: URL) throws {
        try AtomicFile.write(document(trace), to: url)
    }

    public static func headerLine(_ header: TraceHeader) -> String {
        let special = header.specialTokens
        var out = "{\"format\":\"\(TraceHeader.format)\",\"version\":\(header.version),\"model\":"
        JSONValue.writeString(header.model, to: &out)
        out += ",\"sampler\":\"\(header.knobs.sampler.rawValue)\",\"seed\":\(header.knobs.seed),\"knobs\":"
        knobsObject(header.knobs, to: &out)
        out += ",\"vocab_size\":\(header.vocabularySize),\"special_tokens\":{\"pad\":\(special.pad),\"cls\":\(special.cls)"
        out += ",\"sep\":\(special.sep),\"mask\":\(special.mask),\"unk\":\(special.unk.map { "\($0)" } ?? "null")}"
        out += ",\"prompt_ids\":"
        integers(header.promptIDs, to: &out)
        out += ",\"canvas\":"
        integers(header.canvas.tokens, to: &out)
        out += ",\"roles\":\"\(String(header.canvas.roles.map(\.letter)))\",\"pinned\":"
        integers(header.canvas.pinned.indices.filter { header.canvas.pinned[$0] }, to: &out)
        out += "}"
        return out
    }

    /// One step; `knobs` are written only when they differ from the header's (a re-plan or a branch).
    public static func stepLine(_ step: RefinementStep, knobs: SamplerKnobs, header: TraceHeader) -> String {
        var out = "{\"step\":\(step.index),\"phase\":\"\(step.phase.rawValue)\",\"phase_after\":\"\(step.phaseAfter.rawValue)\""
        out += ",\"forward_passes\":\(step.forwardPasses)"
        if knobs != header.knobs { out += ",\"knobs\":"; knobsObject(knobs, to: &out) }
        out += ",\"before\":"; integers(step.before, to: &out)
        out += ",\"after\":"; integers(step.after, to: &out)
        out += ",\"confidence\":"; floats(step.confidence, to: &out)
        out += ",\"p_current\":"; floats(step.pCurrent, to: &out)
        out += ",\"top_k\":\(step.candidates.k),\"candidate_ids\":"; integers(step.candidates.ids, to: &out)
        out += ",\"candidate_p\":"; floats(step.candidates.probabilities, to: &out)
        out += ",\"changes\":["
        for (n, change) in step.changes.enumerated() {
            if n > 0 { out += "," }
            out += "{\"pos\":\(change.position),\"kind\":\"\(change.kind.rawValue)\",\"from\":\(change.from),\"to\":\(change.to)"
            out += ",\"p_from\":\(number(change.pFrom)),\"p_to\":\(number(change.pTo)),\"reason\":\"\(change.reason.code.rawValue)\",\"why\":"
            JSONValue.writeString(change.reason.text, to: &out)
            out += "}"
        }
        out += "]}"
        return out
    }

    static func knobsObject(_ k: SamplerKnobs, to out: inout String) { k.writeJSON(to: &out) }

    static func integers<T: BinaryInteger>(_ values: [T], to out: inout String) {
        out += "["
        for (n, v) in values.enumerated() { if n > 0 { out += "," }; out += String(v) }
        out += "]"
    }

    static func floats(_ values: [Float], to out: inout String) {
        out += "["
        for (n, v) in values.enumerated() { if n > 0 { out += "," }; out += number(v) }
        out += "]"
    }

    /// Shortest text that reads back as the same value; non-finite values (never produced) as 0.
    static func number(_ x: Float) -> String { x.isFinite ? x.description : "0" }
    static func number(_ x: Double) -> String { x.isFinite ? x.description : "0" }
}
