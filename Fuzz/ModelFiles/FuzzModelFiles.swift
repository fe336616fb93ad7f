import Foundation
import FlowCore
import FlowModel

/// libFuzzer entry: any bytes as a model folder's small JSON files, model.safetensors.index.json and
/// tokenizer_config.json / special_tokens_map.json. A refusal is fine; a crash or an ASan report is a bug.
/// An index that parses names only plain file names; a naming file that parses gives only role keys.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFiles(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeBufferPointer(start: bytes, count: count)
    if let index = try? ShardIndex.parse(input, path: "fuzz/model.safetensors.index.json") {
        guard !index.weightMap.isEmpty, index.files.allSatisfy({ !$0.isEmpty && !$0.contains("/") && $0 != ".." }) else {
            fatalError("a parsed index names a file outside the folder or no tensor")
        }
    }
    if let names = try? SpecialTokenNames.parse(input, path: "fuzz/tokenizer_config.json") {
        let roles = Set(SpecialTokenRole.allCases.map { "\($0.rawValue)_token" })
        guard names.keys.allSatisfy(roles.contains) else { fatalError("a naming file gave a key that is not a role") }
    }
    return 0
}
