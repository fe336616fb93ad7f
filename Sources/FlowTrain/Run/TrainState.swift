import Foundation
import FlowCore

/// What an exact resume needs: this struct, the AdamW moments and the float32 weights of the same step, all in
/// one file, `train_state.safetensors` (the struct as JSON in its metadata), so one atomic rename commits a
/// save and a kill at any moment leaves a state that resumes exactly. `train_state.json` repeats the struct for
/// people to read. Format 1 (moments only, the JSON file authoritative, weights from model.safetensors) still
/// loads.
public struct TrainState: Sendable, Equatable, Codable {
    public static let jsonFileName = "train_state.json"
    public static let tensorFileName = "train_state.safetensors"
    public static let currentFormat = 2

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

/// A resumable state as read back: the weights are nil for a format-1 state (they are model.safetensors').
public struct SavedTrainState {
    public var state: TrainState
    public var optimizer: AdamW
    public var parameters: [Float]?
}

public enum TrainStateStore {
    static let firstMomentName = "optimizer.exp_avg"
    static let secondMomentName = "optimizer.exp_avg_sq"
    static let parametersName = "model.parameters"
    static let stateKey = "train_state"

    /// Writes the state file atomically (the commit point), then its JSON copy.
    public static func save(_ state: TrainState, optimizer: AdamW, parameters: [Float], to directory: URL) throws {
        precondition(optimizer.parameterCount == state.parameterCount && parameters.count == state.parameterCount,
                     "TrainStateStore.save: optimizer, weights and state disagree")
        let json = try encoded(state)
        let tensors = [
            TensorPayload(name: parametersName, shape: [parameters.count], floats: parameters),
            TensorPayload(name: firstMomentName, shape: [optimizer.parameterCount], floats: optimizer.firstMoment),
            TensorPayload(name: secondMomentName, shape: [optimizer.parameterCount], floats: optimizer.secondMoment),
        ]
        try SafeTensorsWriter.write(tensors, metadata: ["format": "flowlm-train-state", "step": String(optimizer.step),
                                                        stateKey: String(decoding: json, as: UTF8.self)],
                                    to: directory.appendingPathComponent(TrainState.tensorFileName))
        try AtomicFile.write(json + [0x0A], to: directory.appendingPathComponent(TrainState.jsonFileName))
    }

    static func encoded(_ state: TrainState) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(state)
    }

    /// Reads the state back; `decayRanges` are the caller's (they follow from the model, not the file).
    public static func load(from directory: URL, decayRanges: [Range<Int>]) throws -> SavedTrainState {
        let jsonURL = directory.appendingPathComponent(TrainState.jsonFileName)
        let tensorURL = directory.appendingPathComponent(TrainState.tensorFileName)
        guard FileManager.default.fileExists(atPath: tensorURL.path) else {
            throw FileProblem(tensorURL.path, "no train state to resume from (file not found)")
        }
        let file = try SafeTensorsFile(contentsOf: tensorURL)
        let state: TrainState
        var parameters: [Float]?
        if let embedded = file.metadata[stateKey] {
            state = try decode(Data(embedded.utf8), path: tensorURL.path)
            parameters = try file.floats(parametersName)
        } else {
            guard let data = FileManager.default.contents(atPath: jsonURL.path) else {
                throw FileProblem(jsonURL.path, "cannot read the train state")
            }
            state = try decode(data, path: jsonURL.path)
        }
        guard state.format <= TrainState.currentFormat, state.format >= 1, (state.format >= 2) == (parameters != nil) else {
            throw FileProblem(tensorURL.path, "train state format \(state.format), this build reads 1...\(TrainState.currentFormat)")
        }
        let m = try file.floats(firstMomentName)
        let v = try file.floats(secondMomentName)
        guard m.count == state.parameterCount, v.count == state.parameterCount, (parameters?.count ?? m.count) == m.count else {
            throw FileProblem(tensorURL.path, "moments hold \(m.count)/\(v.count) values and weights \(parameters?.count ?? m.count), "
                              + "the train state says \(state.parameterCount)")
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
        return SavedTrainState(state: state, optimizer: optimizer, parameters: parameters)
    }

    static func decode(_ data: Data, path: String) throws -> TrainState {
        do {
            return try JSONDecoder().decode(TrainState.self, from: data)
        } catch let error as DecodingError {
            throw FileProblem(path, "invalid train state: \(summary(error))")
        }
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
