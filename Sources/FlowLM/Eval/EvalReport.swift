import Foundation
import FlowCore

/// The three kinds of model the experiment compares.
public enum EvalModelKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Mask-only training (LLaDA's objective).
    case maskOnly = "mask-only"
    /// Corruption-and-correction: masks and substitutions, loss on kept tokens too.
    case correction = "corruption+correction"
    /// The same corruption without the kept-token loss (w_keep = 0, the seed reference's loss).
    case noKeptLoss = "w_keep=0"
}

/// One evaluated checkpoint (one training seed) and what it measured.
public struct EvaluatedModel: Sendable {
    public var kind: EvalModelKind
    public var path: String
    public var measurements: [EvalMeasurement]
    public init(kind: EvalModelKind, path: String, measurements: [EvalMeasurement]) {
        self.kind = kind; self.path = path; self.measurements = measurements
    }
}

/// Every model's measurements side by side: per cell (metric, condition, model kind, sampler) the mean
/// over training seeds, its 95 % interval and the per-seed values.
public struct EvalReport: Sendable {
    public struct Cell: Sendable {
        public var metric: EvalMetric
        public var condition: String
        public var kind: EvalModelKind
        public var sampler: EvalSampler?
        public var perSeed: [Double]
        public var mean: Double
        public var interval: ClosedRange<Double>?
    }

    public var task: String
    public var settings: EvalSettings
    public var models: [EvaluatedModel]
    public private(set) var cells: [Cell] = []

    public init(task: String, settings: EvalSettings, models: [EvaluatedModel]) {
        self.task = task; self.settings = settings; self.models = models
        struct Key: Hashable { var metric: EvalMetric; var condition: String; var kind: EvalModelKind; var sampler: EvalSampler? }
        var order: [Key] = []
        var values: [Key: [Double]] = [:]
        for model in models {
            for m in model.measurements {
                let key = Key(metric: m.metric, condition: m.condition, kind: model.kind, sampler: m.sampler)
                if values[key] == nil { order.append(key) }
                values[key, default: []].append(m.value)
            }
        }
        cells = order.map { key in
            let v = values[key] ?? []
            let (mean, interval) = EvalStatistics.meanWithInterval(v)
            return Cell(metric: key.metric, condition: key.condition, kind: key.kind, sampler: key.sampler,
                        perSeed: v, mean: mean, interval: interval)
        }
    }

    // MARK: Markdown

    /// One table per metric: a row per condition, a column per (model kind, sampler) present.
    public var markdown: String {
        var lines = ["# flowlm eval: \(task)", ""]
        let counts = EvalModelKind.allCases.compactMap { kind -> String? in
            let n = models.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(kind.rawValue): \(n) training seed\(n == 1 ? "" : "s")"
        }
        lines.append("\(settings.samples) samples × \(settings.seeds) sample seed\(settings.seeds == 1 ? "" : "s") per condition; "
                     + counts.joined(separator: ", ") + ". Cells: mean over training seeds [95 % t-interval] (per-seed values).")
        lines.append("")
        for metric in EvalMetric.allCases {
            let rows = cells.filter { $0.metric == metric }
            guard !rows.isEmpty else { continue }
            var columns: [(EvalModelKind, EvalSampler?)] = []
            for kind in EvalModelKind.allCases {
                for sampler in [nil] + EvalSampler.allCases.map(Optional.some)
                where rows.contains(where: { $0.kind == kind && $0.sampler == sampler }) {
                    columns.append((kind, sampler))
                }
            }
            var conditions: [String] = []
            for cell in rows where !conditions.contains(cell.condition) { conditions.append(cell.condition) }
            let direction = metric.higherIsBetter.map { $0 ? " (higher is better)" : " (lower is better)" } ?? ""
            lines.append("## \(metric.title)\(direction)")
            lines.append("")
            lines.append("| condition | " + columns.map { kind, sampler in
                kind.rawValue + (sampler.map { ", \($0.rawValue)" } ?? "")
            }.joined(separator: " | ") + " |")
            lines.append("|---|" + String(repeating: "---|", count: columns.count))
            for condition in conditions {
                let values = columns.map { kind, sampler in
                    rows.first { $0.condition == condition && $0.kind == kind && $0.sampler == sampler }.map(Self.format) ?? "–"
                }
                lines.append("| \(condition) | " + values.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        lines.append("Models: " + models.map { "\($0.kind.rawValue) `\($0.path)`" }.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ x: Double) -> String { String(format: abs(x) >= 100 ? "%.1f" : "%.3f", x) }

    static func format(_ cell: Cell) -> String {
        guard let interval = cell.interval else { return number(cell.mean) }
        return "\(number(cell.mean)) [\(number(interval.lowerBound)), \(number(interval.upperBound))] ("
            + cell.perSeed.map(number).joined(separator: ", ") + ")"
    }

    // MARK: JSON

    public var json: JSONValue {
        func num(_ x: Double) -> JSONValue { x.isFinite ? .number(String(format: "%.6g", x)) : .null }
        let modelList: [JSONValue] = models.map { .object([("kind", .string($0.kind.rawValue)), ("path", .string($0.path))]) }
        let results: [JSONValue] = cells.map { cell in
            .object([
                ("metric", .string(cell.metric.rawValue)), ("condition", .string(cell.condition)),
                ("model", .string(cell.kind.rawValue)), ("sampler", cell.sampler.map { .string($0.rawValue) } ?? .null),
                ("mean", num(cell.mean)),
                ("ci95", cell.interval.map { .array([num($0.lowerBound), num($0.upperBound)]) } ?? .null),
                ("per_seed", .array(cell.perSeed.map(num))),
            ])
        }
        return .object([
            ("task", .string(task)), ("samples", .number(String(settings.samples))), ("seeds", .number(String(settings.seeds))),
            ("models", .array(modelList)), ("results", .array(results)),
        ])
    }
}
