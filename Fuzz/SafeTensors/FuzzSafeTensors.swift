import Foundation
import FlowCore

/// libFuzzer entry: any bytes as a safetensors file. A refusal is fine; a crash or an ASan report is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: bytes, count: count)
    guard let file = try? SafeTensorsFile(data: data, path: "fuzz.safetensors") else { return 0 }
    for info in file.tensors {
        if info.dtype.isFloatingPoint { _ = try? file.floats(info.name) } else { _ = try? file.integers(info.name) }
    }
    return 0
}
