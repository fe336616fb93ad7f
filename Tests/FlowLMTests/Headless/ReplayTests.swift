import FlowCore
import FlowDiffusion
import FlowTestSupport
import Foundation
import Testing
@testable import FlowLM

@Suite struct ReplayTests {
    private let fixture = FixturePath.url("tui/replay.jsonl")

    @Test func replaysTheCommittedTraceWithoutAModel() throws {
        let replay = try Replay(path: fixture.path)
        let steps = replay.trace.steps.count
        #expect(steps > 0)
        let lines = replay.lines(FrameText(pieces: Replay.idPieces, mask: replay.trace.header.specialTokens.mask, theme: nil))
        #expect(lines.first == replay.summaryLine)
        #expect(lines.filter { $0.hasPrefix("step ") }.count == steps + 1)
        let changes = replay.trace.steps.reduce(0) { $0 + $1.step.changes.count }
        #expect(lines.filter { $0.hasPrefix("  pos ") }.count == changes)
        #expect(lines.allSatisfy { !$0.contains("\u{1B}") })
        let finalTokens = try #require(replay.trace.steps.last?.step.after)
        let canvasLines = lines.filter { !$0.hasPrefix("step ") && !$0.hasPrefix("  pos ") && $0 != replay.summaryLine }
        #expect(canvasLines.count == steps + 1)
        #expect(canvasLines.last?.contains("‹\(finalTokens[1])›") == true)

        let json = try JSONValue.parse(replay.json(pieces: nil))
        #expect(json["step_count"]?.intValue == steps)
        #expect(json["steps"]?.arrayValue?.count == steps)
        #expect(json["steps"]?.arrayValue?.last?["tokens"]?.arrayValue?.compactMap(\.intValue) == finalTokens.map { Int($0) })
        #expect(json["model"]?.stringValue == replay.trace.header.model)
    }

    private func corrupted(_ edit: (inout [String]) -> Void, name: String) throws -> String {
        var lines = try String(contentsOf: fixture, encoding: .utf8).components(separatedBy: "\n")
        edit(&lines)
        let url = FixturePath.temporaryDirectory("replay").appendingPathComponent(name)
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func aCorruptedLineIsAnErrorNamingIt() throws {
        let path = try corrupted({ $0[4] = String($0[4].prefix(30)) }, name: "garbled.jsonl")
        #expect {
            try Replay(path: path)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(path):5: ") && !text.contains("\n")
        }
    }

    @Test func aTruncatedTraceIsAnErrorNamingTheLastLine() throws {
        var total = 0
        let path = try corrupted({ lines in
            lines.removeLast()  // the empty string after the final newline
            total = lines.count
            lines[lines.count - 1] = String(lines[lines.count - 1].prefix(100))
        }, name: "truncated.jsonl")
        #expect {
            try Replay(path: path)
        } throws: { error in
            "\(error)".hasPrefix("\(path):\(total): ")
        }
    }
}
