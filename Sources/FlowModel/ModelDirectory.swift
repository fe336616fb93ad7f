import Foundation
import FlowCore

/// An HF model directory: config.json, model.safetensors and optionally tokenizer.json.
public struct ModelDirectory: Sendable {
    public static let configName = "config.json"
    public static let weightsName = "model.safetensors"
    public static let tokenizerName = "tokenizer.json"

    public let url: URL
    public var configURL: URL { url.appendingPathComponent(Self.configName) }
    public var weightsURL: URL { url.appendingPathComponent(Self.weightsName) }
    public var tokenizerURL: URL { url.appendingPathComponent(Self.tokenizerName) }
    public var hasTokenizer: Bool { FileManager.default.fileExists(atPath: tokenizerURL.path) }

    /// Checks that the directory and its two required files exist.
    public init(_ url: URL) throws(ModelFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelFileError(path: url.path, kind: .missingFile, detail: "no such model directory")
        }
        self.url = url
        for file in [configURL, weightsURL] where !FileManager.default.fileExists(atPath: file.path) {
            throw ModelFileError(path: file.path, kind: .missingFile, detail: "file not found (a model directory needs config.json and model.safetensors)")
        }
    }

    public func loadConfig() throws(ModelFileError) -> ModernBertConfig {
        try ModernBertConfig.load(from: configURL)
    }

    /// The weights file, memory-mapped and validated.
    public func openWeights() throws(ModelFileError) -> SafeTensorsFile {
        do {
            return try SafeTensorsFile(contentsOf: weightsURL)
        } catch let error as SafeTensorsError {
            throw ModelFileError(path: weightsURL.path, kind: .unreadableFile, detail: "\(error.problem)")
        } catch let error as FileProblem {
            throw ModelFileError(path: weightsURL.path, kind: .unreadableFile, detail: error.problem)
        } catch {
            throw ModelFileError(path: weightsURL.path, kind: .unreadableFile, detail: "\(error)")
        }
    }

    public func loadModel() throws(ModelFileError) -> ModernBertModel {
        try ModernBertModel(config: loadConfig(), weights: openWeights())
    }
}
