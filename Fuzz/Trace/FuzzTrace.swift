import Foundation
import FlowCore
import FlowDiffusion

/// libFuzzer entry: any bytes as a trace file (`flowlm replay`, `tui --replay`). A refusal naming a line is
/// fine; a crash or an ASan report is a bug. A trace that reads must be self-consistent: each step starts from
/// the previous step's canvas, and every id is inside the vocabulary.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrace(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard let trace = try? TraceReader.parse(Array(UnsafeBufferPointer(start: bytes, count: count)), path: "fuzz/trace.jsonl") else {
        return 0
    }
    var previous = trace.header.canvas.tokens
    for recorded in trace.steps {
        guard recorded.step.before == previous else { fatalError("a read trace has a step that does not start where the last ended") }
        guard recorded.step.after.allSatisfy({ $0 >= 0 && Int($0) < trace.header.vocabularySize }) else {
            fatalError("a read trace holds an id outside its vocabulary")
        }
        previous = recorded.step.after
    }
    return 0
}
