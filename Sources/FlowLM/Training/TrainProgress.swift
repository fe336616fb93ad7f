import Foundation
import FlowTrain

/// What `flowlm train` prints: a redrawn progress line on a terminal, plain lines otherwise.
public struct TrainProgress {
    public let totalSteps: Int
    public let interactive: Bool
    public let every: Int

    public init(totalSteps: Int, interactive: Bool = isatty(STDERR_FILENO) != 0, every: Int = 50) {
        self.totalSteps = totalSteps; self.interactive = interactive; self.every = every
    }

    public func line(_ report: StepReport, validation: KindMetrics?, elapsed: Double, firstStep: Int) -> String? {
        let done = report.step - firstStep
        let remaining = Double(totalSteps - report.step) * elapsed / Double(max(done, 1))
        let tokensPerSecond = report.seconds > 0 ? Double(report.tokens) / report.seconds : 0
        let loss = report.metrics.objectiveLoss.map { String(format: "%.4f", $0) } ?? "-"
        var text = "step \(report.step)/\(totalSteps) loss \(loss)"
        if let v = validation?.objectiveLoss { text += String(format: " val %.4f", v) }
        text += String(format: " lr %.2e  %.0f tok/s  ETA %@", report.learningRate, tokensPerSecond, Self.duration(remaining))
        if interactive {
            let width = 24, filled = width * report.step / max(totalSteps, 1)
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            return "\r\u{1B}[2K\(bar) \(text)"
        }
        return report.step % every == 0 || validation != nil || report.step == totalSteps ? text + "\n" : nil
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
