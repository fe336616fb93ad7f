import Foundation
import Testing
import FlowCore
@testable import FlowLM
import FlowModel
import FlowTokenizer
import FlowTestSupport

/// Special tokens found the way transformers finds them, each on its own.
@Suite struct SpecialTokenResolverTests {
    /// A byte-level BPE fixture whose five specials are renamed (ids 0...4: pad, unk, cls, sep, mask).
    static func folder(specials: [String], files: [String: String] = [:]) throws -> (URL, Tokenizer) {
        let directory = FixturePath.temporaryDirectory("flowlm-specials")
        var text = try String(contentsOf: FixturePath.url("tokenizer/bytelevel-prefix-string-merges/tokenizer.json"), encoding: .utf8)
        for (old, new) in zip(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], specials) {
            text = text.replacingOccurrences(of: "\"\(old)\"", with: "\"\(new)\"")
        }
        let url = directory.appendingPathComponent("tokenizer.json")
        try text.write(to: url, atomically: true, encoding: .utf8)
        for (name, contents) in files { try contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return (directory, try Tokenizer.load(from: url))
    }

    @Test func conventionalNamesNeedNoOtherFile() throws {
        let (directory, tokenizer) = try Self.folder(specials: ["<pad>", "<unk>", "<s>", "</s>", "<mask>"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let specials = try SpecialTokenResolver(directory: directory, config: ConfigSpecialTokens(), tokenizer: tokenizer).resolve()
        #expect(specials == SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1))
    }

    @Test func tokenizerConfigNamesTokensAsStringsOrContentObjects() throws {
        let config = #"{"cls_token": "[BOS]", "sep_token": {"content": "[EOS]", "lstrip": false}, "mask_token": {"__type": "AddedToken", "content": "[HOLE]"}, "model_max_length": 512}"#
        let (directory, tokenizer) = try Self.folder(specials: ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "[HOLE]"],
                                                     files: ["tokenizer_config.json": config])
        defer { try? FileManager.default.removeItem(at: directory) }
        // Before, this folder was refused: its CLS/SEP/MASK are not named [CLS]/[SEP]/[MASK] and config.json names none.
        let specials = try SpecialTokenResolver(directory: directory, config: ConfigSpecialTokens(), tokenizer: tokenizer).resolve()
        #expect(specials == SpecialTokens(pad: 0, cls: 2, sep: 3, mask: 4, unk: 1))
    }

    @Test func configIDsWinAndSpecialTokensMapFillsGaps() throws {
        let (directory, tokenizer) = try Self.folder(specials: ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "[HOLE]"],
                                                     files: ["special_tokens_map.json": #"{"mask_token": "[HOLE]", "cls_token": "[BOS]"}"#])
        defer { try? FileManager.default.removeItem(at: directory) }
        // sep comes from config.json's eos id when nothing names a sep token.
        let config = ConfigSpecialTokens(pad: 0, cls: 3, eos: 3)
        let specials = try SpecialTokenResolver(directory: directory, config: config, tokenizer: tokenizer).resolve()
        #expect(specials == SpecialTokens(pad: 0, cls: 3, sep: 3, mask: 4, unk: 1))
    }

    @Test func missingTokenErrorSaysWhichAndWhereItLooked() throws {
        let (directory, tokenizer) = try Self.folder(specials: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[HOLE]"],
                                                     files: ["tokenizer_config.json": #"{"cls_token": "[CLS]"}"#])
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: FileProblem.self) {
            try SpecialTokenResolver(directory: directory, config: ConfigSpecialTokens(), tokenizer: tokenizer).resolve()
        }
        let message = error?.description ?? ""
        #expect(message.contains("no mask token"))
        #expect(message.contains("config.json has no mask_token_id"))
        #expect(message.contains("tokenizer_config.json names no mask_token"))
        #expect(message.contains("there is no special_tokens_map.json"))
        #expect(message.contains("[MASK] or <mask>"))
    }

    @Test func namedTokenTheTokenizerLacksIsAnErrorNamingTheFile() throws {
        let (directory, tokenizer) = try Self.folder(specials: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
                                                     files: ["tokenizer_config.json": #"{"mask_token": "<mask>"}"#])
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: FileProblem.self) {
            try SpecialTokenResolver(directory: directory, config: ConfigSpecialTokens(), tokenizer: tokenizer).resolve()
        }
        #expect(error?.description.contains("tokenizer_config.json") == true)
        #expect(error?.description.contains("mask_token '<mask>' is not a token of tokenizer.json") == true)
    }

    @Test func hostileNamingFilesGiveClearErrors() throws {
        for (contents, expected) in [("{\"mask_token\": 4}", "must be a string"), ("{\"mask", "not valid JSON"), ("[]", "not a JSON object")] {
            let (directory, tokenizer) = try Self.folder(specials: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
                                                         files: ["special_tokens_map.json": contents])
            defer { try? FileManager.default.removeItem(at: directory) }
            let error = #expect(throws: FileProblem.self) {
                try SpecialTokenResolver(directory: directory, config: ConfigSpecialTokens(), tokenizer: tokenizer).resolve()
            }
            #expect(error?.description.contains(expected) == true, "\(contents)")
            #expect(error?.description.contains("special_tokens_map.json") == true)
        }
    }

    /// The shipped checkpoint with config.json's cls/sep/mask ids removed and its tokens renamed: it loads
    /// through tokenizer_config.json and generates as before.
    @Test func shippedModelLoadsWithTokensNamedOnlyInTokenizerConfig() throws {
        let source = FixturePath.root.deletingLastPathComponent().appendingPathComponent("checkpoints/shakespeare-flowlm")
        let directory = FixturePath.temporaryDirectory("flowlm-renamed")
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["model.safetensors", "tokenizer.json", "config.json"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let original = try LoadedModel(directory: source, threads: 1).denoiser.specialTokens
        var config = try String(contentsOf: directory.appendingPathComponent("config.json"), encoding: .utf8)
        for key in ["cls_token_id", "sep_token_id", "mask_token_id", "bos_token_id", "eos_token_id"] {
            config = config.replacingOccurrences(of: "\"\(key)\"", with: "\"unused_\(key)\"")
        }
        try config.write(to: directory.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let tokenizerURL = directory.appendingPathComponent("tokenizer.json")
        var tokenizer = try String(contentsOf: tokenizerURL, encoding: .utf8)
        for (old, new) in [("[CLS]", "[BOS]"), ("[SEP]", "[EOS]"), ("[MASK]", "[HOLE]")] {
            tokenizer = tokenizer.replacingOccurrences(of: "\"\(old)\"", with: "\"\(new)\"")
        }
        try tokenizer.write(to: tokenizerURL, atomically: true, encoding: .utf8)
        #expect(throws: FileProblem.self) { try LoadedModel(directory: directory, threads: 1) }
        try #"{"cls_token": "[BOS]", "sep_token": "[EOS]", "mask_token": {"content": "[HOLE]"}}"#
            .write(to: directory.appendingPathComponent("tokenizer_config.json"), atomically: true, encoding: .utf8)
        #expect(try LoadedModel(directory: directory, threads: 1).denoiser.specialTokens == original)
    }
}
