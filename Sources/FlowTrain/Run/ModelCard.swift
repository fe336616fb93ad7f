import Foundation
import FlowCore

/// The facts a model card states (README.md of a checkpoint directory).
public struct ModelCardFacts: Sendable {
    public var modelName: String
    /// e.g. "corpus.txt: 1.2 M tokens in 9,000 windows of 128 (450 held out for validation)".
    public var data: String
    public var knobs: TrainingKnobs
    public var parameterCount: Int
    public var steps: Int
    public var tokensSeen: Int
    public var finalTrain: KindMetrics
    public var finalValidation: KindMetrics?
    /// The exact command line that produced the checkpoint.
    public var command: String

    public init(modelName: String, data: String, knobs: TrainingKnobs, parameterCount: Int, steps: Int, tokensSeen: Int,
                finalTrain: KindMetrics, finalValidation: KindMetrics?, command: String) {
        self.modelName = modelName; self.data = data; self.knobs = knobs; self.parameterCount = parameterCount
        self.steps = steps; self.tokensSeen = tokensSeen; self.finalTrain = finalTrain
        self.finalValidation = finalValidation; self.command = command
    }
}

public enum ModelCard {
    /// Where the card names the training objective; `objective(inCard:)` reads it back.
    static let objectiveMarker = "trained by FlowLM as a diffusion language model (objective `"

    public static func markdown(_ facts: ModelCardFacts) -> String {
        let k = facts.knobs
        var lines = [
            "---",
            "library_name: transformers",
            "tags: [modernbert, fill-mask, diffusion, flowlm]",
            "---",
            "",
            "# \(facts.modelName)",
            "",
            "A small ModernBERT encoder \(objectiveMarker)\(k.corruption.objective.rawValue)`).",
            "",
            "## Training",
            "",
            "- Data: \(facts.data)",
            "- Objective: \(k.corruption.summary)",
            "- Parameters: \(facts.parameterCount)",
            "- Steps: \(facts.steps) (batch \(k.batchSize) × length \(k.length), accumulation \(k.accumulation))",
            "- Tokens seen: \(facts.tokensSeen)",
            "- Optimiser: AdamW (β1 \(k.optimizer.beta1), β2 \(k.optimizer.beta2), eps \(k.optimizer.epsilon), "
                + "weight decay \(k.optimizer.weightDecay) on matrices and embeddings only), "
                + "peak lr \(k.schedule.peak), \(k.schedule.warmupSteps) warm-up steps, \(k.schedule.decay.rawValue) decay to "
                + "\(k.schedule.finalRatio) × peak, clip norm \(k.clipNorm.map { "\($0)" } ?? "off")",
            "- Seed: \(k.seed)",
            "",
            "## Final losses",
            "",
            "Cross-entropy (nats) and accuracy against the clean token, by corruption kind; the objective column is the weighted loss that was minimised.",
            "",
            "| split | objective | masked | substituted | kept |",
            "|---|---|---|---|---|",
            row("train", facts.finalTrain),
        ]
        if let validation = facts.finalValidation { lines.append(row("validation", validation)) }
        lines += ["", "## Reproduce", "", "```", facts.command, "```", ""]
        return lines.joined(separator: "\n")
    }

    static func row(_ split: String, _ m: KindMetrics) -> String {
        func cell(_ kind: PositionKind) -> String {
            guard let loss = m.meanLoss(kind), let accuracy = m.accuracy(kind) else { return "–" }
            return "\(format(loss)) (acc \(format(accuracy)))"
        }
        return "| \(split) | \(m.objectiveLoss.map(format) ?? "–") | \(cell(.masked)) | \(cell(.substituted)) | \(cell(.kept)) |"
    }

    static func format(_ x: Double) -> String { String(format: "%.4f", x) }

    public static func write(_ facts: ModelCardFacts, to directory: URL) throws {
        try AtomicFile.write(markdown(facts), to: directory.appendingPathComponent("README.md"))
    }
}

extension ModelCard {
    /// The objective a FlowLM model card names, or nil for a card FlowLM did not write (or none).
    public static func objective(inCard text: String) -> Objective? {
        guard let start = text.range(of: objectiveMarker)?.upperBound,
              let name = text[start...].split(separator: "`", maxSplits: 1).first else { return nil }
        return Objective(rawValue: String(name))
    }
}
