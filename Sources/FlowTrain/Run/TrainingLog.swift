import Foundation
import FlowCore

/// One line of the training log (JSON Lines; DESIGN.md §4).
public struct TrainingLogRecord: Sendable, Equatable {
    public var step: Int
    public var learningRate: Double
    public var train: KindMetrics
    public var validation: KindMetrics?
    public var gradientNorm: Double
    public var tokensPerSecond: Double
    public var tokensSeen: Int
    public var elapsedSeconds: Double

    public init(step: Int, learningRate: Double, train: KindMetrics, validation: KindMetrics? = nil,
                gradientNorm: Double, tokensPerSecond: Double, tokensSeen: Int, elapsedSeconds: Double) {
        self.step = step; self.learningRate = learningRate; self.train = train; self.validation = validation
        self.gradientNorm = gradientNorm; self.tokensPerSecond = tokensPerSecond; self.tokensSeen = tokensSeen
        self.elapsedSeconds = elapsedSeconds
    }

    /// Flat keys (easy to plot): `loss` is the weighted objective; `loss_<kind>`/`acc_<kind>` are plain
    /// means per corruption kind, present only when the batch had such positions; `val_*` likewise.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("step", .number(String(step))),
            ("lr", Self.number(learningRate)),
            ("loss", Self.number(train.objectiveLoss)),
        ]
        members += Self.kindMembers(train, prefix: "")
        if let validation {
            members.append(("val_loss", Self.number(validation.objectiveLoss)))
            members += Self.kindMembers(validation, prefix: "val_")
        }
        members += [
            ("grad_norm", Self.number(gradientNorm)),
            ("tokens_per_s", Self.number(tokensPerSecond)),
            ("tokens_seen", .number(String(tokensSeen))),
            ("elapsed_s", Self.number(elapsedSeconds)),
        ]
        return .object(members)
    }

    static func kindMembers(_ metrics: KindMetrics, prefix: String) -> [(key: String, value: JSONValue)] {
        PositionKind.scored.flatMap { kind -> [(key: String, value: JSONValue)] in
            guard let loss = metrics.meanLoss(kind), let accuracy = metrics.accuracy(kind) else { return [] }
            return [("\(prefix)loss_\(kind.name)", number(loss)), ("\(prefix)acc_\(kind.name)", number(accuracy))]
        }
    }

    /// A JSON number, or null for a missing or non-finite value (JSON has no NaN).
    static func number(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)")
    }
}

/// Appends records to a JSON Lines file, one flushed line per record, so a killed run keeps its log.
public final class TrainingLogWriter {
    public let url: URL
    private let handle: FileHandle

    /// Starts a new log (replacing any old one), or, when `resumingAfterStep` is given, keeps the
    /// existing records up to that step and drops later ones (written after the checkpoint that is
    /// being resumed), so a resumed run's log equals an uninterrupted run's.
    public init(url: URL, resumingAfterStep: Int? = nil) throws {
        self.url = url
        var kept = ""
        if let step = resumingAfterStep, let data = FileManager.default.contents(atPath: url.path) {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard let record = try? JSONValue.parse(String(line)), let s = record["step"]?.intValue else { continue }
                if s <= step { kept += line + "\n" }
            }
        }
        try AtomicFile.write(kept, to: url)
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw FileProblem(url.path, "cannot open the training log: \((error as NSError).localizedDescription)")
        }
    }

    public func append(_ record: TrainingLogRecord) throws {
        do {
            try handle.write(contentsOf: Data((record.json.serialized + "\n").utf8))
        } catch {
            throw FileProblem(url.path, "cannot write the training log: \((error as NSError).localizedDescription)")
        }
    }

    deinit { try? handle.close() }
}
