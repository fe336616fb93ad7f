import Foundation
import FlowTrain
import FlowTUI

/// Accumulates step reports into the train screen's `TrainingProgress`: one curve per corruption kind for
/// the training loss and for the validation loss, accuracies, speed and ETA. Curves are thinned to at most
/// `maximumPoints` so a long run costs the UI the same as a short one.
struct TrainingProgressBuilder {
    static let maximumPoints = 512
    let totalSteps: Int
    let firstStep: Int
    private var trainCurves: [PositionKind: Curve] = [:]
    private var validationCurves: [PositionKind: Curve] = [:]
    private var last: StepReport?
    private var secondsSpent = 0.0
    private var tokensDone = 0
    private var sampleStep: Int?
    private var sampleText = ""

    init(totalSteps: Int, firstStep: Int) {
        self.totalSteps = totalSteps
        self.firstStep = firstStep
    }

    var sample: (step: Int, text: String)? {
        get { sampleStep.map { ($0, sampleText) } }
        set { sampleStep = newValue?.step; sampleText = newValue?.text ?? "" }
    }

    mutating func add(_ report: StepReport, validation: KindMetrics?) {
        last = report
        secondsSpent += report.seconds
        tokensDone += report.tokens
        for kind in PositionKind.scored {
            if let loss = report.metrics.meanLoss(kind) {
                Self.append(&trainCurves, kind, CurvePoint(step: report.step, value: loss), prefix: "loss")
            }
            if let loss = validation?.meanLoss(kind) {
                Self.append(&validationCurves, kind, CurvePoint(step: report.step, value: loss), prefix: "val")
            }
        }
    }

    func value(phase: TrainingProgress.Phase) -> TrainingProgress {
        var progress = TrainingProgress()
        progress.phase = phase
        progress.totalSteps = totalSteps
        progress.step = last?.step ?? firstStep
        progress.tokensPerSecond = secondsSpent > 0 ? Double(tokensDone) / secondsSpent : 0
        let stepsDone = progress.step - firstStep
        if stepsDone > 0 { progress.etaSeconds = secondsSpent / Double(stepsDone) * Double(totalSteps - progress.step) }
        progress.curves = PositionKind.scored.compactMap { trainCurves[$0] } + PositionKind.scored.compactMap { validationCurves[$0] }
        progress.accuracyMasked = last?.metrics.accuracy(.masked)
        progress.accuracySubstituted = last?.metrics.accuracy(.substituted)
        progress.accuracyKept = last?.metrics.accuracy(.kept)
        progress.learningRate = last?.learningRate
        progress.sampleStep = sampleStep
        progress.sampleText = sampleText
        return progress
    }

    private static func append(_ curves: inout [PositionKind: Curve], _ kind: PositionKind, _ point: CurvePoint, prefix: String) {
        var curve = curves[kind] ?? Curve(name: "\(prefix) \(kind.name)")
        curve.points.append(point)
        if curve.points.count > maximumPoints {
            // Keep every other point (always the newest), halving the density of the whole history.
            curve.points = curve.points.enumerated().filter { ($0.offset % 2 == 1) || $0.offset == curve.points.count - 1 }.map(\.element)
        }
        curves[kind] = curve
    }
}
