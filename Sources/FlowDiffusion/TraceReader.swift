import FlowCore
import Foundation

/// Reads a trace back for replay without a model, checking every line: header fields, shapes, id ranges,
/// step numbering, that each step starts from the previous one's canvas, and that its changes explain
/// the difference. Any problem is an error naming the file and the 1-based line.
public enum TraceReader {
    public static func read(contentsOf url: URL) throws(DiffusionError) -> Trace {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .trace(path: url.path, line: 0, problem: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(Array(data), path: url.path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(DiffusionError) -> Trace {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let last = lines.last, last.isEmpty else {
            let number = lines.count
            if lines.count == 1 && lines[0].isEmpty { throw .trace(path: path, line: 1, problem: "empty file: no header") }
            throw .trace(path: path, line: number, problem: "line does not end in a newline: the trace is truncated")
        }
        lines.removeLast()
        guard !lines.isEmpty else { throw .trace(path: path, line: 1, problem: "empty file: no header") }
        let header = try readHeader(LineReader(path: path, number: 1, bytes: lines[0]))
        var steps: [TraceStep] = []
        var previous = header.canvas.tokens
        for (n, line) in lines.enumerated().dropFirst() {
            let reader = try LineReader(path: path, number: n + 1, bytes: line)
            let recorded = try readStep(reader, header: header, expectedIndex: n - 1, previous: previous)
            previous = recorded.step.after
            steps.append(recorded)
        }
        return Trace(header: header, steps: steps)
    }

    private static func readHeader(_ line: LineReader) throws(DiffusionError) -> TraceHeader {
        guard try line.string("format") == TraceHeader.format else { throw line.fail("not a FlowLM trace (format is not \"\(TraceHeader.format)\")") }
        let version = try line.int("version")
        guard version == TraceHeader.currentVersion else {
            throw line.fail("unsupported trace version \(version) (this build reads \(TraceHeader.currentVersion))")
        }
        let knobs = try line.knobs(line.member("knobs"), label: "knobs")
        guard try line.string("sampler") == knobs.sampler.rawValue, try line.uint64("seed") == knobs.seed else {
            throw line.fail("sampler or seed disagree with the knobs")
        }
        let vocabulary = try line.int("vocab_size")
        guard vocabulary > 0 else { throw line.fail("vocab_size \(vocabulary) must be positive") }
        let specialObject = try line.member("special_tokens")
        func special(_ key: String) throws(DiffusionError) -> TokenID {
            guard let id = specialObject[key]?.intValue, id >= 0, id < vocabulary else {
                throw line.fail("special_tokens.\(key) is missing or outside the vocabulary")
            }
            return TokenID(id)
        }
        var unk: TokenID?
        if let value = specialObject["unk"], !value.isNull { unk = try special("unk") }
        let specials = SpecialTokens(pad: try special("pad"), cls: try special("cls"), sep: try special("sep"),
                                     mask: try special("mask"), unk: unk)
        let tokens = try line.tokens("canvas", vocabulary: vocabulary)
        let roleText = try line.string("roles")
        var roles: [PositionRole] = []
        for letter in roleText {
            guard let role = PositionRole(letter: letter) else { throw line.fail("roles holds an unknown letter \"\(letter)\"") }
            roles.append(role)
        }
        var pinned = [Bool](repeating: false, count: tokens.count)
        for position in try line.ints("pinned") {
            guard pinned.indices.contains(position) else { throw line.fail("pinned position \(position) is outside the canvas") }
            pinned[position] = true
        }
        let canvas: Canvas
        do { canvas = try Canvas(tokens: tokens, roles: roles, specialTokens: specials, pinned: pinned) } catch {
            throw line.fail(error.description)
        }
        let header = TraceHeader(model: try line.string("model"), knobs: knobs, vocabularySize: vocabulary,
                                 canvas: canvas, version: version)
        guard try line.tokens("prompt_ids", vocabulary: vocabulary) == header.promptIDs else {
            throw line.fail("prompt_ids disagree with the canvas")
        }
        return header
    }

    private static func readStep(_ line: LineReader, header: TraceHeader, expectedIndex: Int,
                                 previous: [TokenID]) throws(DiffusionError) -> TraceStep {
        let vocabulary = header.vocabularySize, n = header.canvas.count
        let index = try line.int("step")
        guard index == expectedIndex else { throw line.fail("step \(index) where step \(expectedIndex) was expected") }
        var knobs = header.knobs
        if let override = line.value["knobs"] { knobs = try line.knobs(override, label: "knobs") }
        let before = try line.tokens("before", vocabulary: vocabulary, count: n)
        let after = try line.tokens("after", vocabulary: vocabulary, count: n)
        let k = try line.int("top_k")
        guard k >= 1, k <= SamplerKnobs.maximumTopK else { throw line.fail("top_k \(k) is outside [1, \(SamplerKnobs.maximumTopK)]") }
        let candidateIDs = try line.ints("candidate_ids", count: n * k).map { TokenID(truncatingIfNeeded: $0) }
        guard candidateIDs.allSatisfy({ $0 >= -1 && Int($0) < vocabulary }) else { throw line.fail("candidate_ids holds an id outside the vocabulary") }
        var changes: [TokenChange] = []
        guard let changeValues = try line.member("changes").arrayValue else { throw line.fail("changes is not an array") }
        for (c, value) in changeValues.enumerated() {
            changes.append(try line.change(value, label: "changes[\(c)]", vocabulary: vocabulary, positions: n))
        }
        let step = RefinementStep(
            index: index, phase: try line.phase("phase"), phaseAfter: try line.phase("phase_after"),
            forwardPasses: try line.int("forward_passes"), before: before, after: after,
            confidence: try line.floats("confidence", count: n), pCurrent: try line.floats("p_current", count: n),
            candidates: CandidateTable(k: k, ids: candidateIDs, probabilities: try line.floats("candidate_p", count: n * k)),
            changes: changes)
        guard before == previous else { throw line.fail("before differs from the previous step's canvas") }
        try checkChanges(step, line: line)
        return TraceStep(knobs: knobs, step: step)
    }

    /// The changes must account for every difference between before and after, and only for those.
    private static func checkChanges(_ step: RefinementStep, line: LineReader) throws(DiffusionError) {
        var explained = step.before
        for change in step.changes {
            let p = change.position
            switch change.kind {
            case .commit, .edit, .remask:
                guard step.before[p] == change.from else { throw line.fail("change at \(p) starts from \(change.from) but the canvas held \(step.before[p])") }
                explained[p] = change.to
            case .freeze:
                guard step.before[p] == change.from else { throw line.fail("freeze at \(p) names \(change.from) but the canvas held \(step.before[p])") }
            case .force:
                guard step.before[p] == change.to else { throw line.fail("force at \(p) names \(change.to) but the canvas held \(step.before[p])") }
            }
        }
        if let p = explained.indices.first(where: { explained[$0] != step.after[$0] }) {
            throw line.fail("position \(p) changed from \(step.before[p]) to \(step.after[p]) without a recorded change")
        }
    }
}
