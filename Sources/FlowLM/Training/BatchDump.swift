import Foundation
import FlowCore
import FlowTrain

/// `flowlm train --dump-batch FILE`: the next batch the run would train on, with its corruption and the loss
/// the run's current weights give it, in the format `python -m flowlm_train.dump` reads
/// (python/README.md, "Dumped batches"). The Python side recomputes the loss from the named model directory.
public enum BatchDump {
    public static let format = "flowlm-batch"
    public static let version = "1"

    public struct Summary: Sendable {
        public var loss: Double
        public var normalizer: Double
        public var batchSize: Int
        public var length: Int
    }

    /// Saves the run's checkpoint into its output directory (so the dump names the weights its loss came from),
    /// then writes the batch to `url`. The run itself does not advance.
    @discardableResult
    public static func write(run: TrainRun, to url: URL) throws -> Summary {
        try run.save()
        var batcher = run.session.batcher
        let batch = batcher.nextBatch()
        let mask = batcher.corruptor.specials.mask
        let logits = try run.trainable.forward(batch)
        let result = try WeightedCrossEntropy.compute(
            logits: UnsafeBufferPointer(logits), vocabularySize: run.trainable.vocabularySize, labels: batch.labels,
            weights: batch.weights, kinds: batch.kinds, excludedToken: mask)
        let shape = [batch.batchSize, batch.length]
        let tensors = [
            DumpTensor(name: "input_ids", dtype: "I64", shape: shape, bytes: littleEndianBytes(batch.inputIds.map(Int64.init))),
            DumpTensor(name: "labels", dtype: "I64", shape: shape, bytes: littleEndianBytes(batch.labels.map(Int64.init))),
            DumpTensor(name: "weights", dtype: "F32", shape: shape, bytes: littleEndianBytes(batch.weights.map(\.bitPattern))),
            DumpTensor(name: "kinds", dtype: "U8", shape: shape, bytes: Data(batch.kinds.map(\.rawValue))),
            DumpTensor(name: "attention_mask", dtype: "I64", shape: shape,
                       bytes: littleEndianBytes(batch.attentionMask.map { Int64($0 ? 1 : 0) })),
            DumpTensor(name: "normalizer", dtype: "F64", shape: [1], bytes: littleEndianBytes([result.denominator.bitPattern])),
            DumpTensor(name: "noise_levels", dtype: "F64", shape: [batch.batchSize],
                       bytes: littleEndianBytes(batch.noiseLevels.map(\.bitPattern))),
            DumpTensor(name: "loss", dtype: "F32", shape: [1], bytes: littleEndianBytes([result.loss.bitPattern])),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let knobs = String(decoding: try encoder.encode(batcher.corruptor.knobs), as: UTF8.self)
        let metadata = [
            "format": format, "version": version, "objective": run.options.objective.rawValue, "knobs": knobs,
            "normalization": "sum_of_weights", "mask_token_id": String(mask),
            "model": run.options.output.standardizedFileURL.path,
            "seed": String(run.options.seed), "step": String(run.step),
        ]
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
        return Summary(loss: Double(result.loss), normalizer: result.denominator, batchSize: batch.batchSize, length: batch.length)
    }

    /// One tensor of the dump. FlowCore's `DType` covers what model files hold; a dump also needs U8 (kinds)
    /// and F64 (normalizer), so this file writes its own header with FlowCore's JSON writer.
    struct DumpTensor {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: Data
    }

    /// The safetensors layout SafeTensorsWriter produces: sorted names, contiguous offsets, 8-byte aligned data.
    static func encode(_ tensors: [DumpTensor], metadata: [String: String]) -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        var members: [(key: String, value: JSONValue)] = [
            ("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]
        var offset = 0
        for t in sorted {
            members.append((t.name, .object([
                ("dtype", .string(t.dtype)),
                ("shape", .array(t.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + t.bytes.count))])),
            ])))
            offset += t.bytes.count
        }
        var header = Array(JSONValue.object(members).serialized.utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data(capacity: 8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for t in sorted { out.append(t.bytes) }
        return out
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> Data {
        var data = Data(capacity: values.count * MemoryLayout<T>.size)
        for value in values {
            var v = value.littleEndian
            withUnsafeBytes(of: &v) { data.append(contentsOf: $0) }
        }
        return data
    }
}
