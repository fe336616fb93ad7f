import FlowCore
import FlowModel
import FlowTestSupport
import FlowTrain
import Foundation
import Testing
@testable import FlowLM

/// Reads a dump the way python/flowlm_train/dump.py does: header JSON, then raw little-endian tensors.
private struct DumpReader {
    let metadata: [String: String]
    let entries: [String: (dtype: String, shape: [Int], bytes: Data)]

    init(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard case let .object(members) = try JSONValue.parse(Array(data[8..<(8 + headerLength)])) else {
            throw FileProblem(url.path, "header is not an object")
        }
        var metadata: [String: String] = [:]
        var entries: [String: (String, [Int], Data)] = [:]
        for (key, value) in members {
            if key == "__metadata__", case let .object(pairs) = value {
                for (k, v) in pairs { if case let .string(s) = v { metadata[k] = s } }
                continue
            }
            guard case let .string(dtype)? = value["dtype"], case let .array(shape)? = value["shape"],
                  case let .array(offsets)? = value["data_offsets"], let start = offsets.first?.intValue,
                  let end = offsets.last?.intValue else { throw FileProblem(url.path, "bad entry \(key)") }
            entries[key] = (dtype, shape.compactMap(\.intValue), data.subdata(in: (8 + headerLength + start)..<(8 + headerLength + end)))
        }
        self.metadata = metadata
        self.entries = entries
    }

    func int64s(_ name: String) -> [Int64] {
        entries[name]!.bytes.withUnsafeBytes { raw in (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self) } }
    }
    func floats(_ name: String) -> [Float] {
        entries[name]!.bytes.withUnsafeBytes { raw in (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
    }
    func doubles(_ name: String) -> [Double] {
        entries[name]!.bytes.withUnsafeBytes { raw in (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) } }
    }
}

@Suite struct BatchDumpTests {
    @Test(arguments: Objective.allCases)
    func dumpHoldsTheBatchAndTheLossItsSavedWeightsGive(objective: Objective) throws {
        let dir = FixturePath.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var options = TinyRun.options(output: dir.appendingPathComponent("model"))
        options.objective = objective
        let run = try TrainRun(options: options)
        let file = dir.appendingPathComponent("batch.safetensors")
        let summary = try BatchDump.write(run: run, to: file)
        #expect(run.step == 0)

        let dump = try DumpReader(file)
        #expect(dump.metadata["format"] == "flowlm-batch" && dump.metadata["version"] == "1")
        #expect(dump.metadata["objective"] == objective.rawValue)
        #expect(dump.metadata["normalization"] == "sum_of_weights")
        #expect(dump.metadata["mask_token_id"] == "4")
        #expect(dump.metadata["model"] == options.output.standardizedFileURL.path)
        let knobs = try JSONValue.parse(try #require(dump.metadata["knobs"]))
        #expect(knobs["objective"] == .string(objective.rawValue))
        #expect(knobs["substitutionPeak"] != nil && knobs["weightKept"] != nil)
        for (name, dtype) in [("input_ids", "I64"), ("labels", "I64"), ("weights", "F32"), ("kinds", "U8"), ("attention_mask", "I64")] {
            #expect(dump.entries[name]?.dtype == dtype)
            #expect(dump.entries[name]?.shape == [4, 24])
        }
        #expect(dump.entries["normalizer"]?.dtype == "F64" && dump.entries["loss"]?.dtype == "F32")
        #expect(dump.entries["noise_levels"]?.shape == [4])

        // Recompute the loss from the file alone with the weights the dump names.
        let kinds = try #require(dump.entries["kinds"]).bytes.map { PositionKind(rawValue: $0)! }
        let weights = dump.floats("weights")
        let labels = dump.int64s("labels").map(TokenID.init)
        let ids = dump.int64s("input_ids").map(TokenID.init)
        let lengths = stride(from: 0, to: 4 * 24, by: 24).map { row in dump.int64s("attention_mask")[row..<(row + 24)].reduce(0, +) }
        #expect(zip(kinds, weights).allSatisfy { $0 != .ignored || $1 == 0 })
        #expect(kinds.contains { $0 != .ignored })
        let normalizer = dump.doubles("normalizer")[0]
        #expect(abs(normalizer - zip(kinds, weights).reduce(0.0) { $0 + ($1.0 == .ignored ? 0 : Double($1.1)) }) < 1e-9)
        let model = try ModelDirectory(URL(fileURLWithPath: dump.metadata["model"]!)).loadModel()
        let output = try model.forward(try TokenBatch(ids: ids, lengths: lengths.map(Int.init), batchSize: 4, length: 24))
        let loss = try output.logits.withUnsafeBufferPointer { logits in
            try WeightedCrossEntropy.compute(logits: logits, vocabularySize: model.config.vocabularySize,
                                             labels: labels, weights: weights, kinds: kinds, excludedToken: 4).loss
        }
        #expect(abs(Double(loss) - summary.loss) <= 1e-6 * max(1, abs(summary.loss)))
        #expect(Double(dump.floats("loss")[0]) == summary.loss)
        #expect(summary.loss.isFinite && summary.loss > 0)
    }
}
