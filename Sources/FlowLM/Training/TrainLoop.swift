import Foundation
import FlowCore
import FlowTrain

/// The headless loop of `flowlm train`: step, report, checkpoint; stop cleanly on a signal or divergence.
public enum TrainLoop {
    /// Exit code when a checkpoint cannot be written (EX_IOERR): the run stops, the last complete checkpoint stays.
    public static let saveFailedExitCode: Int32 = 74

    /// Returns the process exit code: 0 when done, 130/143 after a signal (checkpoint saved), 74 when a save
    /// failed (a full disk: the last complete checkpoint is kept, and `--resume` continues from it).
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
                } catch {
                    output("\nflowlm train: could not save step \(run.step): \(error); the checkpoint in \(options.output.path) "
                           + "is still the one of step \(lastSavedStep(options)), intact: make room and run the same command "
                           + "with --resume\n")
                    return saveFailedExitCode
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

    /// The step a resume would continue from: the train state's (format 2 carries its own weights), else the
    /// weights file's tag.
    static func lastSavedStep(_ options: TrainOptions) -> String {
        let state = options.output.appendingPathComponent(TrainState.tensorFileName)
        if let file = try? SafeTensorsFile(contentsOf: state), let step = file.metadata["step"] { return step }
        let url = options.output.appendingPathComponent("model.safetensors")
        guard let file = try? SafeTensorsFile(contentsOf: url) else { return "none (nothing saved yet)" }
        return file.metadata[ModelCheckpoint.stepKey] ?? "unknown"
    }
}

public struct TrainStopped: FlowLMError {
    public let reason: String
    public var description: String { reason }
}
