import Foundation
import FlowCore
import FlowTrain

/// The headless loop of `flowlm train`: step, report, checkpoint; stop cleanly on a signal or divergence.
public enum TrainLoop {
    /// Returns the process exit code: 0 when done, 130/143 after a signal (checkpoint saved).
    public static func run(_ options: TrainOptions, output: (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) throws -> Int32 {
        let stop = StopRequest()
        stop.install()
        let run = try TrainRun(options: options)
        output("flowlm train: \(run.dataSummary)\n")
        output("flowlm train: \(run.config.layerCount) layers, hidden \(run.config.hiddenSize), vocab \(run.config.vocabularySize), "
               + "\(run.trainable.model.layout.parameterCount) parameters, objective \(options.objective.rawValue), from step \(run.step)\n")
        let progress = TrainProgress(totalSteps: options.steps)
        let firstStep = run.step
        let started = Date()
        while !run.isFinished {
            let report: StepReport
            do {
                report = try run.advance()
            } catch let diverged as TrainingDiverged {
                output("\n")
                throw TrainStopped(reason: "\(diverged); the checkpoint in \(options.output.path) is from step \(lastSavedStep(options))")
            }
            if let line = progress.line(report, validation: report.step % options.evaluateEvery == 0 ? run.lastValidation : nil,
                                        elapsed: Date().timeIntervalSince(started), firstStep: firstStep) {
                output(line)
            }
            if report.step % options.saveEvery == 0 || run.isFinished || stop.requested != nil {
                do {
                    try run.save()
                } catch let diverged as NonFiniteWeights {
                    output("\n")
                    throw TrainStopped(reason: "\(diverged); the checkpoint in \(options.output.path) is from step \(lastSavedStep(options))")
                }
            }
            if let signal = stop.requested {
                output("\nflowlm train: stopped by signal \(signal) after step \(run.step); saved \(options.output.path) (resume with --resume)\n")
                return stop.exitCode
            }
        }
        output("\nflowlm train: done, \(run.step) steps; saved \(options.output.path)\n")
        return 0
    }

    static func lastSavedStep(_ options: TrainOptions) -> String {
        let url = options.output.appendingPathComponent("model.safetensors")
        guard let file = try? SafeTensorsFile(contentsOf: url) else { return "none (nothing saved yet)" }
        return file.metadata[ModelCheckpoint.stepKey] ?? "unknown"
    }
}

public struct TrainStopped: FlowLMError {
    public let reason: String
    public var description: String { reason }
}
