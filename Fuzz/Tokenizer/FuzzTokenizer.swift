import Foundation
import FlowCore
import FlowTokenizer

/// libFuzzer entry: arbitrary bytes as tokenizer.json; whatever loads must encode and decode without
/// trapping. Built only with FLOWLM_FUZZ=1 and `--sanitize=fuzzer` (see Tools/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    guard let tokenizer = try? Tokenizer(jsonData: bytes, path: "fuzz.json") else { return 0 }
    // The input itself, read leniently as text, is a second hostile string to encode.
    let texts = ["Hello, wörld! 12 345 \r\n\t e\u{301} 😀 [MASK] <mask>", String(decoding: bytes.prefix(256), as: UTF8.self)]
    for text in texts {
        let encoding = tokenizer.encode(text, addSpecialTokens: true)
        _ = tokenizer.encode(text, pair: "b", addSpecialTokens: true)
        _ = tokenizer.decode(encoding.ids, skipSpecialTokens: false)
        _ = tokenizer.decode(encoding.ids, skipSpecialTokens: true)
        for id in encoding.ids.prefix(16) { _ = tokenizer.pieceText(id) }
    }
    _ = tokenizer.specialTokens
    _ = tokenizer.decode([-1, 0, 1, 2, 255, TokenID(tokenizer.vocabularySize)], skipSpecialTokens: false)
    return 0
}
