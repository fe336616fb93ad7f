import Foundation
import FlowCore

/// model.safetensors.index.json: `{"metadata": {...}, "weight_map": {"tensor name": "shard file name", ...}}`.
/// Shard names must be plain file names in the model directory (no paths), so an index cannot reach outside it.
public struct ShardIndex: Sendable {
    public let path: String
    /// Each tensor's shard file name.
    public let weightMap: [String: String]
    /// The distinct shard names, sorted.
    public var files: [String] { Set(weightMap.values).sorted() }

    static let maxIndexBytes = 64 << 20

    static func read(_ url: URL) throws(ModelFileError) -> ShardIndex {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw ModelFileError(path: url.path, kind: .unreadableFile, detail: "cannot read the file")
        }
        return try parse(bytes, path: url.path)
    }

    public static func parse(_ bytes: some Collection<UInt8>, path: String) throws(ModelFileError) -> ShardIndex {
        func fail(_ kind: ModelFileError.Kind, _ detail: String) -> ModelFileError {
            ModelFileError(path: path, kind: kind, detail: detail)
        }
        guard bytes.count <= maxIndexBytes else { throw fail(.unreadableFile, "index of \(bytes.count) bytes is too large") }
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch { throw fail(.invalidJSON, "not valid JSON (\(error.description))") }
        guard let map = json["weight_map"]?.objectValue else {
            throw fail(.missingKey("weight_map"), "missing 'weight_map' (an object from tensor name to shard file)")
        }
        guard !map.isEmpty else { throw fail(.invalidValue(key: "weight_map"), "'weight_map' names no tensors") }
        var weightMap: [String: String] = [:]
        for (tensor, value) in map {
            guard let file = value.stringValue else {
                throw fail(.invalidValue(key: "weight_map"), "'weight_map' entry '\(tensor)' is not a file name")
            }
            guard !file.isEmpty, !file.contains("/"), file != ".", file != ".." else {
                throw fail(.invalidValue(key: "weight_map"), "'weight_map' entry '\(tensor)' names '\(file)', not a file in the model directory")
            }
            weightMap[tensor] = file
        }
        return ShardIndex(path: path, weightMap: weightMap)
    }

    /// Each tensor the map names is in the shard it names, and no shard holds a tensor the map leaves out.
    func check(against weights: WeightFiles) throws(ModelFileError) {
        for (tensor, file) in weightMap.sorted(by: { $0.key < $1.key }) {
            let holder = weights.info(tensor) == nil ? nil : URL(fileURLWithPath: weights.path(of: tensor)).lastPathComponent
            guard holder == file else {
                throw ModelFileError(path: path, kind: .missingTensor(tensor),
                                     detail: "tensor '\(tensor)' should be in \(file) but " + (holder.map { "is in \($0)" } ?? "is in no shard"))
            }
        }
        if let stray = weights.tensors.first(where: { weightMap[$0.name] == nil }) {
            throw ModelFileError(path: path, kind: .unexpectedTensor(stray.name),
                                 detail: "tensor '\(stray.name)' in \(URL(fileURLWithPath: weights.path(of: stray.name)).lastPathComponent) is not in the weight_map")
        }
    }
}
