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
}

typealias ModernBertGoldenCase = GoldenCase<ModernBertModel>
typealias BertGoldenCase = GoldenCase<BertFamilyModel>

extension GoldenCase where Model == ModernBertModel {
    init(_ name: String) throws { try self.init(name) { try ModelDirectory($0).loadModel() } }
}

extension GoldenCase where Model == BertFamilyModel {
    init(_ name: String) throws { try self.init(name) { try BertFamilyModel.load(directory: $0) } }
}
