import Foundation
import FlowCore
import FlowTrain

/// libFuzzer entry: any bytes as a prompt/response JSON Lines file. A refusal is fine (it must name a line
/// when a line is at fault); a crash or an ASan report is a bug. Examples that load are well formed:
/// `[CLS] prompt [SEP] response [SEP]`, within the context, with only response positions editable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromptResponse(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: bytes, count: count))
    guard let text = try? TextCorpus.decodeUTF8(input, path: "fuzz/pairs.jsonl") else { return 0 }
    let specials = SpecialTokens(pad: 0, cls: 1, sep: 2, mask: 3, unk: 4)
    // Bytes as ids past the specials: a tokenizer stand-in that never fails.
    let encode: TextEncoder = { text in text.utf8.map { TokenID($0) + 5 } }
    let data: PromptResponseData
    do {
        data = try PromptResponseData(text: text, path: "fuzz/pairs.jsonl", encode: encode, specials: specials, maximumLength: 64)
    } catch {
        return 0
    }
    for example in data.train + data.validation {
        guard example.ids.count <= 64, example.ids.count == example.editable.count, example.ids.first == specials.cls,
              example.ids.last == specials.sep, example.editable.first == false, example.editable.last == false else {
            fatalError("a loaded pair is not [CLS] prompt [SEP] response [SEP] within the context")
        }
    }
    return 0
}
