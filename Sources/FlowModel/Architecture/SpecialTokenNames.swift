import Foundation
import FlowCore

/// The special tokens a tokenizer_config.json or special_tokens_map.json names: its `<role>_token` entries, as
/// strings or `{"content": …}` objects (transformers' AddedToken form); other keys are ignored.
public enum SpecialTokenNames {
    static let maxFileBytes = 16 << 20

    /// Role key (`mask_token`) to token text.
    public static func read(_ url: URL) throws -> [String: String] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw FileProblem(url.path, "cannot read the file") }
        return try parse(data, path: url.path)
    }

    public static func parse(_ bytes: some Collection<UInt8>, path: String) throws(FileProblem) -> [String: String] {
        guard bytes.count <= maxFileBytes else { throw FileProblem(path, "file of \(bytes.count) bytes is too large") }
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch { throw FileProblem(path, "not valid JSON (\(error.description))") }
        guard let members = json.objectValue else { throw FileProblem(path, "not a JSON object") }
        var tokens: [String: String] = [:]
        for role in SpecialTokenRole.allCases {
            let key = "\(role.rawValue)_token"
            guard let value = members.last(where: { $0.key == key })?.value, !value.isNull else { continue }
            guard let name = value.stringValue ?? value["content"]?.stringValue else {
                throw FileProblem(path, "'\(key)' must be a string or an object with a \"content\" string")
            }
            tokens[key] = name
        }
        return tokens
    }
}
