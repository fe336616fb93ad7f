import Foundation
import FlowCore

/// A checkpoint's tensors: one `model.safetensors`, or the shards a `model.safetensors.index.json` names, each
/// memory-mapped. Lookups go to the shard that holds the tensor; errors name that shard.
public struct WeightFiles: Sendable {
    /// The file to name when the set as a whole is at fault: the single file, or the index.
    public let path: String
    public let shards: [SafeTensorsFile]
    /// Every tensor of every shard, shard by shard, in data order.
    public let tensors: [TensorInfo]
    private let shardOfTensor: [String: Int]

    /// A single-file checkpoint.
    public init(_ file: SafeTensorsFile) {
        self.path = file.path
        self.shards = [file]
        self.tensors = file.tensors
        var map: [String: Int] = [:]
        for info in file.tensors { map[info.name] = 0 }
        shardOfTensor = map
    }

    /// Shards already opened, with `indexPath` for messages. A tensor name in two shards is an error.
    public init(shards: [SafeTensorsFile], indexPath: String) throws(ModelFileError) {
        var map: [String: Int] = [:]
        var all: [TensorInfo] = []
        for (s, shard) in shards.enumerated() {
            for info in shard.tensors {
                if let other = map[info.name] {
                    throw ModelFileError(path: indexPath, kind: .unexpectedTensor(info.name),
                                         detail: "tensor '\(info.name)' is in two shards (\(shards[other].path) and \(shard.path))")
                }
                map[info.name] = s
                all.append(info)
            }
        }
        self.path = indexPath
        self.shards = shards
        self.tensors = all
        shardOfTensor = map
    }

    /// The first shard's header metadata (a single file's own).
    public var metadata: [String: String] { shards.first?.metadata ?? [:] }

    public func info(_ name: String) -> TensorInfo? { shardOfTensor[name].flatMap { shards[$0].info(name) } }

    /// The file that holds `name` (the set's path when no shard does).
    public func path(of name: String) -> String { shardOfTensor[name].map { shards[$0].path } ?? path }

    /// The tensor's values converted to Float32.
    public func floats(_ name: String) throws -> [Float] {
        guard let s = shardOfTensor[name] else { throw FileProblem(path, "no tensor '\(name)'") }
        return try shards[s].floats(name)
    }

    public func withBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let s = shardOfTensor[name] else { throw FileProblem(path, "no tensor '\(name)'") }
        return try shards[s].withBytes(name, body)
    }

    /// Total bytes on disk across shards.
    public var byteCount: Int {
        shards.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1.path)[.size] as? Int) ?? 0) }
    }
}
