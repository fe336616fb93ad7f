import Foundation
import FlowCore
import FlowTokenizer

/// libFuzzer entry: any bytes as a training corpus for the byte-level BPE trainer. Invalid UTF-8 is decoded
/// with replacement characters first (the corpus reader refuses it; the trainer must not crash on whatever
/// text it gets). A trained tokenizer must encode the corpus and decode it back exactly, and its JSON must load.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBPETrainer(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    guard let tokenizer = try? BPETrainer(vocabularySize: 300, minFrequency: 2).train(texts: text.split(separator: "\n").map(String.init)) else {
        return 0
    }
    let ids = tokenizer.encode(text, addSpecialTokens: false).ids
    guard tokenizer.decode(ids) == text else { fatalError("a trained tokenizer does not round-trip its own corpus") }
    guard (try? Tokenizer(jsonData: tokenizer.jsonData(), path: "fuzz/tokenizer.json")) != nil else {
        fatalError("a trained tokenizer's JSON does not load")
    }
    return 0
}
