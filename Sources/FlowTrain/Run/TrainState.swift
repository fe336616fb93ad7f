import Foundation
import FlowCore

/// What an exact resume needs besides the model weights: saved as `train_state.json` (this struct) and
/// `train_state.safetensors` (the AdamW moments). The JSON is written last and names the optimiser step
/// the moments belong to, so a crash between the two writes is detected instead of silently mixing states.
public struct TrainState: Sendable, Equatable, Codable {
    public static let jsonFileName = "train_state.json"
    public static let tensorFileName = "train_state.safetensors"
    public static let currentFormat = 1

    public var format = TrainState.currentFormat
    /// Optimiser steps completed.
    public var step: Int
    /// Non-padding tokens consumed so far.
    public var tokensSeen: Int
    public var knobs: TrainingKnobs
    /// Data position and corruption generator.
    public var batcher: BatcherState
    /// Any other generator of the run, by name (FlowRandom.state words).
    public var randomStates: [String: [UInt64]]
    public var parameterCount: Int

    public init(step: Int, tokensSeen: Int, knobs: TrainingKnobs, batcher: BatcherState,
                randomStates: [String: [UInt64]] = [:], parameterCount: Int) {
        self.step = step; self.tokensSeen = tokensSeen; self.knobs = knobs; self.batcher = batcher
        self.randomStates = randomStates; self.parameterCount = parameterCount
    }
}

public enum TrainStateStore {
    static let firstMomentName = "optimizer.exp_avg"
    static let secondMomentName = "optimizer.exp_avg_sq"

    /// Writes both files atomically into `directory` (moments first, JSON last).
    public static func save(_ state: TrainState, optimizer: AdamW, to directory: URL) throws {
        precondition(optimizer.parameterCount == state.parameterCount, "TrainStateStore.save: optimizer and state disagree")
        let tensors = [
            TensorPayload(name: firstMomentName, shape: [optimizer.parameterCount], floats: optimizer.firstMoment),
            TensorPayload(name: secondMomentName, shape: [optimizer.parameterCount], floats: optimizer.secondMoment),
        ]
        try SafeTensorsWriter.write(tensors, metadata: ["format": "flowlm-train-state", "step": String(optimizer.step)],
                                    to: directory.appendingPathComponent(TrainState.tensorFileName))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var json = try encoder.encode(state)
        json.append(0x0A)
        try AtomicFile.write(json, to: directory.appendingPathComponent(TrainState.jsonFileName))
    }

    /// Reads both files back; `decayRanges` are the caller's (they follow from the model, not the file).
    public static func load(from directory: URL, decayRanges: [Range<Int>]) throws -> (state: TrainState, optimizer: AdamW) {
        let jsonURL = directory.appendingPathComponent(TrainState.jsonFileName)
        let tensorURL = directory.appendingPathComponent(TrainState.tensorFileName)
        guard let data = FileManager.default.contents(atPath: jsonURL.path) else {
            throw FileProblem(jsonURL.path, "cannot read the train state")
        }
        let state: TrainState
        do {
            state = try JSONDecoder().decode(TrainState.self, from: data)
        } catch let error as DecodingError {
            throw FileProblem(jsonURL.path, "invalid train state: \(summary(error))")
        }
        guard state.format == TrainState.currentFormat else {
            throw FileProblem(jsonURL.path, "train state format \(state.format), this build reads \(TrainState.currentFormat)")
        }
        let file = try SafeTensorsFile(contentsOf: tensorURL)
        let m = try file.floats(firstMomentName)
        let v = try file.floats(secondMomentName)
        guard m.count == state.parameterCount, v.count == state.parameterCount else {
            throw FileProblem(tensorURL.path, "moments hold \(m.count)/\(v.count) values, the train state says \(state.parameterCount)")
        }
        guard let savedStep = file.metadata["step"].flatMap(Int.init), savedStep == state.step else {
            throw FileProblem(tensorURL.path, "moments are from step \(file.metadata["step"] ?? "?"), "
                + "train_state.json from step \(state.step) (interrupted save?)")
        }
        guard decayRanges.allSatisfy({ $0.lowerBound >= 0 && $0.upperBound <= state.parameterCount }) else {
            throw FileProblem(jsonURL.path, "the model's parameter arena does not match the train state (\(state.parameterCount) values)")
        }
        guard let optimizer = AdamW(config: state.knobs.optimizer, decayRanges: decayRanges, firstMoment: m,
                                    secondMoment: v, step: savedStep) else {
            throw FileProblem(tensorURL.path, "moments do not form a valid optimizer state")
        }
        return (state, optimizer)
    }

    static func summary(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let p = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "top level" : p
        }
        switch error {
        case let .keyNotFound(key, context): return "missing \"\(key.stringValue)\" at \(path(context))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
