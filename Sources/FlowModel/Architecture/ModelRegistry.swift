import Foundation
import FlowCore

/// Every architecture FlowLM reads, by config.json's `model_type`. Adding one is a folder that defines its
/// `ModelArchitecture` and one line here.
public enum ModelRegistry {
    public static let architectures: [ModelArchitecture] = [
        .modernBert,
        .bert,
        .roberta,
        .distilbert,
    ]

    public static var supportedModelTypes: [String] { architectures.flatMap(\.modelTypes) }

    public static func architecture(for modelType: String) -> ModelArchitecture? {
        architectures.first { $0.modelTypes.contains(modelType) }
    }

    /// The architecture config.json names, or an error naming the file and listing what is supported.
    public static func architecture(config json: JSONValue, path: String) throws(ModelFileError) -> ModelArchitecture {
        guard let modelType = json["model_type"]?.stringValue else {
            throw ModelFileError(path: path, kind: .missingKey("model_type"),
                                 detail: "missing required key 'model_type' (supported: \(supportedModelTypes.joined(separator: ", ")))")
        }
        guard let architecture = architecture(for: modelType) else {
            throw ModelFileError(path: path, kind: .unsupported(key: "model_type"),
                                 detail: "key 'model_type': unsupported model type '\(modelType)' (supported: \(supportedModelTypes.joined(separator: ", ")))")
        }
        return architecture
    }
}
