import Foundation
import FlowCore
import FlowModel

/// Argmax and top-k of one sequence's logits [T, V], for `flowlm forward`.
public struct LogitsReport: Sendable {
    public struct Candidate: Sendable, Equatable {
        public let id: TokenID
        public let logit: Float
        public let probability: Float
    }

    public let ids: [TokenID]
    public let vocabularySize: Int
    /// [T, V] row-major.
    public let logits: [Float]

    public init(ids: [TokenID], output: ForwardOutput) {
        self.ids = ids
        vocabularySize = output.vocabularySize
        logits = Array(output.logits.prefix(ids.count * output.vocabularySize))
    }

    public var argmax: [TokenID] { (0..<ids.count).map { top(position: $0, k: 1)[0].id } }

    /// The k most likely ids at a position with softmax probabilities (ties: lower id first).
    public func top(position t: Int, k: Int) -> [Candidate] {
        let row = logits[(t * vocabularySize)..<((t + 1) * vocabularySize)]
        let maximum = row.max() ?? 0
        let total = row.reduce(0.0) { $0 + exp(Double($1 - maximum)) }
        let order = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
        return order.prefix(max(1, k)).map { i in
            Candidate(id: TokenID(i - t * vocabularySize), logit: row[i],
                      probability: Float(exp(Double(row[i] - maximum)) / total))
        }
    }

    /// `{"ids": [...], "argmax": [...], "logits": [[...]]}`, plus `"top_k"` when k > 0.
    public func json(topK: Int) -> String {
        var members: [(key: String, value: JSONValue)] = [
            ("ids", .array(ids.map { .number(String($0)) })),
            ("argmax", .array(argmax.map { .number(String($0)) })),
            ("logits", .array((0..<ids.count).map { t in
                .array(logits[(t * vocabularySize)..<((t + 1) * vocabularySize)].map { .number("\($0)") })
            })),
        ]
        if topK > 0 {
            members.append(("top_k", .array((0..<ids.count).map { t in
                .array(top(position: t, k: topK).map { c in
                    .object([("id", .number(String(c.id))), ("logit", .number("\(c.logit)")), ("probability", .number("\(c.probability)"))])
                })
            })))
        }
        return JSONValue.object(members).serialized
    }

    /// One line per position; `describe` (e.g. a tokenizer's decode) adds each id's text.
    public func textLines(topK: Int, describe: ((TokenID) -> String)? = nil) -> [String] {
        func name(_ id: TokenID) -> String { describe.map { "\(id) \($0(id))" } ?? "\(id)" }
        return (0..<ids.count).map { t in
            let candidates = top(position: t, k: max(1, topK))
            let shown = candidates.map { "\(name($0.id)) (\(String(format: "%.3f", $0.probability)))" }.joined(separator: "  ")
            return "\(t)\t\(name(ids[t]))\t→ \(shown)"
        }
    }
}
