import Foundation
import FlowCore
import FlowKernels

/// An HF model directory: config.json, the weights (model.safetensors, or the shards a
/// model.safetensors.index.json names) and optionally tokenizer.json.
public struct ModelDirectory: Sendable {
    public static let configName = "config.json"
    public static let weightsName = "model.safetensors"
    public static let shardIndexName = "model.safetensors.index.json"
    public static let tokenizerName = "tokenizer.json"
    /// Pickled PyTorch weights: refused, since unpickling runs code.
    static let pickleNames = ["pytorch_model.bin", "pytorch_model.bin.index.json"]

    /// Where the weights are.
    public enum WeightsLayout: Sendable, Equatable {
        case single(URL)
        /// model.safetensors.index.json and the shards it names.
        case sharded(index: URL)
    }

    public let url: URL
    public let weightsLayout: WeightsLayout
    public var configURL: URL { url.appendingPathComponent(Self.configName) }
    public var tokenizerURL: URL { url.appendingPathComponent(Self.tokenizerName) }
    public var hasTokenizer: Bool { FileManager.default.fileExists(atPath: tokenizerURL.path) }
    /// The single weights file, or the shard index.
    public var weightsURL: URL {
        switch weightsLayout {
        case .single(let url), .sharded(index: let url): return url
        }
    }

    /// Checks that the directory, its config.json and its weights exist.
    public init(_ url: URL) throws(ModelFileError) {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelFileError(path: url.path, kind: .missingFile, detail: "no such model directory")
        }
        self.url = url
        let config = url.appendingPathComponent(Self.configName)
        guard files.fileExists(atPath: config.path) else {
            throw ModelFileError(path: config.path, kind: .missingFile,
                                 detail: "file not found (a model directory needs config.json and model.safetensors)")
        }
        let single = url.appendingPathComponent(Self.weightsName), index = url.appendingPathComponent(Self.shardIndexName)
        if files.fileExists(atPath: single.path) {
            weightsLayout = .single(single)
        } else if files.fileExists(atPath: index.path) {
            weightsLayout = .sharded(index: index)
        } else if let pickle = Self.pickleNames.first(where: { files.fileExists(atPath: url.appendingPathComponent($0).path) }) {
            throw ModelFileError(path: url.appendingPathComponent(pickle).path, kind: .unsupported(key: "weights"), detail:
                "PyTorch pickle weights are not loaded (unpickling can run code); convert them to safetensors once with: "
                + "python3 -c \"import sys, transformers as t; t.AutoModelForMaskedLM.from_pretrained(sys.argv[1]).save_pretrained(sys.argv[1], safe_serialization=True)\" \(url.path)")
        } else {
            throw ModelFileError(path: single.path, kind: .missingFile,
                                 detail: "file not found (a model directory needs config.json and model.safetensors or \(Self.shardIndexName))")
        }
    }

    /// config.json as JSON (the registry reads `model_type` from it before the architecture reads the rest).
    public func loadConfigJSON() throws(ModelFileError) -> JSONValue {
        try ConfigJSONReader.load(from: configURL)
    }

    /// The weights, memory-mapped and validated: one file, or every shard the index names.
    public func openWeights() throws(ModelFileError) -> WeightFiles {
        switch weightsLayout {
        case .single(let file):
            return WeightFiles(try Self.openSafeTensors(file))
        case .sharded(let index):
            let shardNames = try ShardIndex.read(index)
            var shards: [SafeTensorsFile] = []
            for name in shardNames.files { shards.append(try Self.openSafeTensors(url.appendingPathComponent(name))) }
            let weights = try WeightFiles(shards: shards, indexPath: index.path)
            try shardNames.check(against: weights)
            return weights
        }
    }

    /// Whichever architecture config.json names, through the registry, packed for inference in `precision` (nil:
    /// `InferencePrecision.automatic`; fp32 where the CPU has no bf16) as the weights are read: no float32 arena of
    /// the packed weights is kept, nor held while loading.
    public func loadMaskedLanguageModel(precision: InferencePrecision? = nil) throws(ModelFileError) -> any MaskedLanguageModel {
        let json = try loadConfigJSON()
        let architecture = try ModelRegistry.architecture(config: json, path: configURL.path)
        return try architecture.load(json, configURL.path, try openWeights(), form: .inference(precision: precision))
    }

    static func openSafeTensors(_ url: URL) throws(ModelFileError) -> SafeTensorsFile {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelFileError(path: url.path, kind: .missingFile, detail: "file not found")
        }
        do {
            return try SafeTensorsFile(contentsOf: url)
        } catch let error as SafeTensorsError {
            throw ModelFileError(path: url.path, kind: .unreadableFile, detail: "\(error.problem)")
        } catch let error as FileProblem {
            throw ModelFileError(path: url.path, kind: .unreadableFile, detail: error.problem)
        } catch {
            throw ModelFileError(path: url.path, kind: .unreadableFile, detail: "\(error)")
        }
    }
}
