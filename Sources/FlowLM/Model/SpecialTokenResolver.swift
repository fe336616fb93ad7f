import Foundation
import FlowCore
import FlowModel
import FlowTokenizer

/// Finds a model folder's pad/cls/sep/mask/unk ids the way transformers does, each token on its own:
/// config.json's `<role>_token_id`, else the token `tokenizer_config.json` names (`"mask_token": "<mask>"` or
/// `{"content": "<mask>", …}`), else `special_tokens_map.json`'s, else the tokenizer's conventional name
/// (`[MASK]`, `<mask>`); cls and sep last fall back to config.json's bos and eos ids (RoBERTa's `<s>`, `</s>`).
public struct SpecialTokenResolver {
    public static let tokenizerConfigName = "tokenizer_config.json"
    public static let specialTokensMapName = "special_tokens_map.json"

    let directory: URL
    let config: ConfigSpecialTokens
    let tokenizer: Tokenizer
    /// Each present naming file with its `<role>_token` entries.
    private var namingFiles: [(name: String, tokens: [String: String])] = []

    public init(directory: URL, config: ConfigSpecialTokens, tokenizer: Tokenizer) throws {
        self.directory = directory; self.config = config; self.tokenizer = tokenizer
        for name in [Self.tokenizerConfigName, Self.specialTokensMapName] {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            namingFiles.append((name, try SpecialTokenNames.read(url)))
        }
    }

    public func resolve() throws -> SpecialTokens {
        func required(_ role: SpecialTokenRole, fallback: TokenID? = nil) throws -> TokenID {
            guard let id = try id(role) ?? fallback else { throw FileProblem(directory.path, notFoundMessage(role)) }
            return id
        }
        return SpecialTokens(pad: try required(.pad), cls: try required(.cls, fallback: config.bos),
                             sep: try required(.sep, fallback: config.eos), mask: try required(.mask), unk: try id(.unk))
    }

    /// The role's id from the first source that names it; a name the tokenizer lacks is an error.
    func id(_ role: SpecialTokenRole) throws -> TokenID? {
        if let fromConfig = configID(role) { return fromConfig }
        for file in namingFiles {
            guard let name = file.tokens["\(role.rawValue)_token"] else { continue }
            guard let id = tokenizer.id(for: name) else {
                throw FileProblem(directory.appendingPathComponent(file.name).path,
                                  "\(role.rawValue)_token '\(name)' is not a token of tokenizer.json")
            }
            return id
        }
        return tokenizer.conventionalID(role)
    }

    private func configID(_ role: SpecialTokenRole) -> TokenID? {
        switch role {
        case .pad: config.pad
        case .cls: config.cls
        case .sep: config.sep
        case .mask: config.mask
        case .unk: config.unk
        }
    }

    private func notFoundMessage(_ role: SpecialTokenRole) -> String {
        let key = "\(role.rawValue)_token"
        var looked = ["config.json has no \(key)_id"]
        for name in [Self.tokenizerConfigName, Self.specialTokensMapName] {
            looked.append(namingFiles.contains { $0.name == name } ? "\(name) names no \(key)" : "there is no \(name)")
        }
        looked.append("tokenizer.json has no \(role.conventionalNames.joined(separator: " or "))")
        if role == .cls || role == .sep { looked.append("config.json has no \(role == .cls ? "bos" : "eos")_token_id") }
        return "no \(role.rawValue) token: " + looked.joined(separator: ", ")
    }
}
