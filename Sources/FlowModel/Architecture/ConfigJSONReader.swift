import Foundation
import FlowCore

/// Typed reads of config.json values, for every architecture's config reader, so that a missing file, bad JSON
/// or a key of the wrong type is the same `ModelFileError`, naming the file and the key, whatever the model.
/// Which keys there are, and their defaults, stay with each architecture (an extension of this type in its folder).
struct ConfigJSONReader {
    let json: JSONValue
    let path: String

    /// config.json parsed; a missing or unreadable file, or text that is not JSON, is an error naming the file.
    static func load(from url: URL) throws(ModelFileError) -> JSONValue {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            let missing = !FileManager.default.fileExists(atPath: url.path)
            throw ModelFileError(path: url.path, kind: missing ? .missingFile : .unreadableFile,
                                 detail: missing ? "file not found" : "cannot read the file")
        }
        return try parse(bytes, path: url.path)
    }

    static func parse(_ bytes: some Collection<UInt8>, path: String) throws(ModelFileError) -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw ModelFileError(path: path, kind: .invalidJSON, detail: "not valid JSON (\(error.description))")
        }
    }

    func fail(_ kind: ModelFileError.Kind, _ detail: String) -> ModelFileError {
        ModelFileError(path: path, kind: kind, detail: detail)
    }

    /// The value of `key` in `object` (the whole config by default); a JSON null counts as absent.
    func present(_ key: String, in object: JSONValue? = nil) -> JSONValue? {
        guard let value = (object ?? json)[key], !value.isNull else { return nil }
        return value
    }

    /// An integer ≥ `minimum`; absent gives `fallback`, or is an error when there is none.
    func int(_ key: String, default fallback: Int? = nil, minimum: Int = 0) throws(ModelFileError) -> Int {
        guard let value = present(key) else {
            if let fallback { return fallback }
            throw fail(.missingKey(key), "missing required key '\(key)'")
        }
        guard let n = value.intValue, n >= minimum else {
            throw fail(.invalidValue(key: key), "key '\(key)' must be an integer ≥ \(minimum)")
        }
        return n
    }

    /// A number that fits a finite Float.
    func number(_ key: String, in object: JSONValue? = nil, default fallback: Float) throws(ModelFileError) -> Float {
        guard let value = present(key, in: object) else { return fallback }
        guard let d = value.doubleValue, Float(d).isFinite else {
            throw fail(.invalidValue(key: key), "key '\(key)' must be a number within float range")
        }
        return Float(d)
    }

    func flag(_ key: String, default fallback: Bool) throws(ModelFileError) -> Bool {
        guard let value = present(key) else { return fallback }
        guard let b = value.boolValue else { throw fail(.invalidValue(key: key), "key '\(key)' must be true or false") }
        return b
    }

    /// A string, or nil when absent.
    func string(_ key: String) throws(ModelFileError) -> String? {
        guard let value = present(key) else { return nil }
        guard let s = value.stringValue else { throw fail(.invalidValue(key: key), "key '\(key)' must be a string") }
        return s
    }

    /// A token id; absent gives `fallback`, an explicit null gives nil (HF allows both).
    func tokenID(_ key: String, default fallback: TokenID? = nil) throws(ModelFileError) -> TokenID? {
        guard let raw = json[key] else { return fallback }
        guard var value = raw.isNull ? nil : raw else { return nil }
        // eos_token_id may be a list in HF configs; the first id is the one a masked LM uses.
        if let list = value.arrayValue, let first = list.first { value = first }
        guard let n = value.intValue, n >= 0, n <= Int(TokenID.max) else {
            throw fail(.invalidValue(key: key), "key '\(key)' must be a non-negative token id")
        }
        return TokenID(n)
    }
}

/// An architecture's config as config.json describes it: the architecture reads the parsed JSON, and loading
/// the file or parsing its bytes is the same for all.
public protocol ConfigJSONReadable {
    /// From config.json already parsed (`path` for messages; the registry reads `model_type` first).
    static func parse(json: JSONValue, path: String) throws(ModelFileError) -> Self
}

extension ConfigJSONReadable {
    public static func load(from url: URL) throws(ModelFileError) -> Self {
        try parse(json: ConfigJSONReader.load(from: url), path: url.path)
    }

    public static func parse(_ bytes: some Collection<UInt8>, path: String) throws(ModelFileError) -> Self {
        try parse(json: ConfigJSONReader.parse(bytes, path: path), path: path)
    }
}
