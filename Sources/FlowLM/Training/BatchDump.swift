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
            TensorPayload(name: "input_ids", dtype: .i64, shape: shape, bytes: littleEndianBytes(batch.inputIds.map(Int64.init))),
            TensorPayload(name: "labels", dtype: .i64, shape: shape, bytes: littleEndianBytes(batch.labels.map(Int64.init))),
            TensorPayload(name: "weights", dtype: .f32, shape: shape, bytes: littleEndianBytes(batch.weights.map(\.bitPattern))),
            TensorPayload(name: "kinds", dtype: .u8, shape: shape, bytes: Data(batch.kinds.map(\.rawValue))),
            TensorPayload(name: "attention_mask", dtype: .i64, shape: shape,
                       bytes: littleEndianBytes(batch.attentionMask.map { Int64($0 ? 1 : 0) })),
            TensorPayload(name: "normalizer", dtype: .f64, shape: [1], bytes: littleEndianBytes([result.denominator.bitPattern])),
            TensorPayload(name: "noise_levels", dtype: .f64, shape: [batch.batchSize],
                       bytes: littleEndianBytes(batch.noiseLevels.map(\.bitPattern))),
            TensorPayload(name: "loss", dtype: .f32, shape: [1], bytes: littleEndianBytes([result.loss.bitPattern])),
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
        try SafeTensorsWriter.write(tensors, metadata: metadata, to: url)
        return Summary(loss: Double(result.loss), normalizer: result.denominator, batchSize: batch.batchSize, length: batch.length)
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
