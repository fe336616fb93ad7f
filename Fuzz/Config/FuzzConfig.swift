import Foundation
import FlowCore
import FlowModel

/// libFuzzer entry: any bytes as a config.json, read as ModernBERT and as the BERT family. A refusal is fine; a
/// crash or an ASan report is a bug. A ModernBERT config that parses must also give a parameter layout and a
/// config.json that parses back identically.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeBufferPointer(start: bytes, count: count)
    _ = try? BertFamilyConfig.parse(input, path: "fuzz/config.json")
    guard let config = try? ModernBertConfig.parse(input, path: "fuzz/config.json") else { return 0 }
    // Keep the layout small enough to build: absurd but valid sizes are the parser's business, not a crash.
    if config.hiddenSize <= 4096, config.vocabularySize <= 1 << 20, config.layerCount <= 64, config.intermediateSize <= 16384 {
        _ = ParameterLayout(config: config).totalCount
    }
    let written = Array(config.json.serialized.utf8)
    guard let reread = try? ModernBertConfig.parse(written, path: "fuzz/rewritten.json"), reread == config else {
        fatalError("a parsed config did not survive write → parse")
    }
    return 0
}
