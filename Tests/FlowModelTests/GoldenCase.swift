import Foundation
import Testing
import FlowCore
import FlowModel
import FlowTestSupport

/// One fixture case written by Tools/make_model_fixtures.py from HF transformers 5.24: the model, the batch HF ran
/// and HF's outputs (golden.safetensors), for either architecture.
struct GoldenCase<Model> {
    let name: String
    let model: Model
    let golden: SafeTensorsFile
    let batch: TokenBatch

    init(_ name: String, load: (URL) throws -> Model) throws {
        self.name = name
        model = try load(FixturePath.url("model/\(name)"))
        golden = try SafeTensorsFile(contentsOf: FixturePath.url("model/\(name)/golden.safetensors"))
        let shape = try #require(golden.info("input_ids")).shape
        batch = try TokenBatch(ids: try golden.integers("input_ids").map { TokenID($0) },
                               attentionMask: try golden.integers("attention_mask"), batchSize: shape[0], length: shape[1])
    }

    /// Values of a [B, T, width] tensor at real (unpadded) positions only.
    func realRows(_ values: [Float], width: Int) -> [Float] {
        var out: [Float] = []
        for b in 0..<batch.batchSize {
            let start = b * batch.length * width
            out += values[start..<(start + batch.lengths[b] * width)]
        }
        return out
    }

    func argmaxes(_ values: [Float], width: Int) -> [Int] {
        stride(from: 0, to: values.count, by: width).map { s in
            (s..<(s + width)).max { values[$0] < values[$1] }! - s
        }
    }

    /// Expects `logits` [B·T, V] to be HF's at the real positions: within 2e-4, with the same argmax. Returns the
    /// largest difference.
    @discardableResult
    func expectLogitsMatch(_ logits: [Float], vocabularySize v: Int, _ label: String,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> Float {
        let ours = realRows(logits, width: v), expected = realRows(try golden.floats("logits"), width: v)
        let worst = maxAbsDifference(ours, expected)
        #expect(worst < 2e-4, "\(label): logits", sourceLocation: sourceLocation)
        #expect(argmaxes(ours, width: v) == argmaxes(expected, width: v), "\(label): argmax", sourceLocation: sourceLocation)
        return worst
    }

    /// Expects the embeddings output and each layer's output [B·T, H] to be HF's `hidden.i` at the real positions,
    /// within 1e-4.
    func expectHiddenStatesMatch(_ states: [[Float]], width h: Int, layerCount: Int, _ label: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(states.count == layerCount + 1, sourceLocation: sourceLocation)
        for (i, state) in states.enumerated() {
            let reference = realRows(try golden.floats("hidden.\(i)"), width: h)
            #expect(maxAbsDifference(realRows(state, width: h), reference) < 1e-4, "\(label): hidden state \(i)",
                    sourceLocation: sourceLocation)
        }
    }
}

typealias ModernBertGoldenCase = GoldenCase<ModernBertModel>
typealias BertGoldenCase = GoldenCase<BertFamilyModel>

extension GoldenCase where Model == ModernBertModel {
    init(_ name: String) throws { try self.init(name) { try ModelDirectory($0).loadModel() } }
}

extension GoldenCase where Model == BertFamilyModel {
    init(_ name: String) throws { try self.init(name) { try BertFamilyModel.load(directory: $0) } }
}
