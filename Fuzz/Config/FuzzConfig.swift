import Foundation
import FlowCore
import FlowModel

/// libFuzzer entry: arbitrary bytes as config.json. A refusal is fine; whatever parses must also write
/// back and parse again without trapping. Built only with FLOWLM_FUZZ=1 (see Tools/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let config = try? ModernBertConfig.parse(bytes, path: "fuzz/config.json") else { return 0 }
    _ = ParameterLayout(config: config).totalCount
    _ = try? ModernBertConfig.parse(Array(config.json.serialized.utf8), path: "fuzz/rewritten.json")
    return 0
}
