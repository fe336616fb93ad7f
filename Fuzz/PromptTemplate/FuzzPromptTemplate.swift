import Foundation
import FlowCore
import FlowDiffusion

/// libFuzzer entry: any text as a prompt with infill holes (`[MASK]`, `{{N}}`). A refusal is fine; a crash is a
/// bug. Parsed segments never hold empty text, never two hole runs in a row, and no run over the limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromptTemplate(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    guard let segments = try? PromptTemplate.parse(text) else { return 0 }
    var previousWasHoles = false
    for segment in segments {
        switch segment {
        case .text(let literal):
            guard !literal.isEmpty else { fatalError("an empty text segment") }
            previousWasHoles = false
        case .holes(let n):
            guard n >= 1, !previousWasHoles else { fatalError("an empty or split hole run") }
            previousWasHoles = true
        }
    }
    return 0
}
