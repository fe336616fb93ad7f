import Foundation
import FlowCore
import FlowModel

/// Argmax and top-k of one sequence's logits [T, V], for `flowlm forward`: over an array, or over the model's
/// workspace in place (`UnsafeBufferPointer`), which spares `flowlm forward` a copy of the logits.
public struct LogitsReport<Logits: RandomAccessCollection<Float>> where Logits.Index == Int {
    public struct Candidate: Sendable, Equatable {
        public let id: TokenID
        public let logit: Float
        public let probability: Float
    }

    public let ids: [TokenID]
    public let vocabularySize: Int
    /// [T, V] row-major.
    public let logits: Logits

    /// `logits` holds [T, V] (T = ids.count), row-major, from index 0.
    public init(ids: [TokenID], vocabularySize: Int, logits: Logits) {
        precondition(logits.count == ids.count * vocabularySize, "LogitsReport: logits are not [T, V]")
        self.ids = ids; self.vocabularySize = vocabularySize; self.logits = logits
    }

    public var argmax: [TokenID] { (0..<ids.count).map { top(position: $0, k: 1)[0].id } }

    /// The k most likely ids at a position with softmax probabilities (ties: lower id first).
    public func top(position t: Int, k: Int) -> [Candidate] {
        let range = (t * vocabularySize)..<((t + 1) * vocabularySize)
        // On the contiguous floats (array or workspace) a concrete loop; through the generic collection it ran 4× slower.
        return logits.withContiguousStorageIfAvailable { Self.top(UnsafeBufferPointer(rebasing: $0[range]), k: k) }
            ?? Array(logits[range]).withUnsafeBufferPointer { Self.top($0, k: k) }
    }

    /// The k best of one row in one pass, in order (a full sort of each row took seconds over 512 × 50k logits).
    private static func top(_ row: UnsafeBufferPointer<Float>, k: Int) -> [Candidate] {
        let maximum = row.max() ?? 0
        let total = row.reduce(0.0) { $0 + exp(Double($1 - maximum)) }
        let count = max(1, k)
        var order: [Int] = []
        order.reserveCapacity(count + 1)
        for i in row.indices where order.count < count || row[i] > row[order[count - 1]] {
            let place = order.firstIndex { row[i] > row[$0] } ?? order.count
            order.insert(i, at: place)
            if order.count > count { order.removeLast() }
        }
        return order.map { i in
            Candidate(id: TokenID(i), logit: row[i], probability: Float(exp(Double(row[i] - maximum)) / total))
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

    /// One line per position; `describe` (e.g. a tokenizer's decode) adds each id's text. Positions are numbered
    /// from `firstPosition` (a block of a longer sequence).
    public func textLines(topK: Int, describe: ((TokenID) -> String)? = nil, firstPosition: Int = 0) -> [String] {
        func name(_ id: TokenID) -> String { describe.map { "\(id) \($0(id))" } ?? "\(id)" }
        return (0..<ids.count).map { t in
            let candidates = top(position: t, k: max(1, topK))
            let shown = candidates.map { "\(name($0.id)) (\(String(format: "%.3f", $0.probability)))" }.joined(separator: "  ")
            return "\(firstPosition + t)\t\(name(ids[t]))\t→ \(shown)"
        }
    }
}

extension LogitsReport: Sendable where Logits: Sendable {}

extension LogitsReport where Logits == [Float] {
    public init(ids: [TokenID], output: ForwardOutput) {
        self.init(ids: ids, vocabularySize: output.vocabularySize,
                  logits: Array(output.logits.prefix(ids.count * output.vocabularySize)))
    }
}
