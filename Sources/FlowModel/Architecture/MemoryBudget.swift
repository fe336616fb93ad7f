import Foundation
import FlowCore

/// The memory a model needs before any of it is allocated, so a config.json claiming absurd shapes is refused
/// with a number instead of dying in an allocation.
public enum MemoryBudget {
    /// A float32 arena of the parameters plus the packed copy the inference GEMM uses.
    public static func inferenceBytes(parameterCount: Int) -> Double { 2 * 4 * Double(parameterCount) }

    /// Throws, naming `path`, when `bytes` exceed this machine's memory.
    public static func requireFits(_ bytes: Double, path: String, what: String,
                                   available: Double = Double(ProcessInfo.processInfo.physicalMemory)) throws(ModelFileError) {
        guard bytes > available else { return }
        throw ModelFileError(path: path, kind: .unsupported(key: "shape"), detail: String(
            format: "%@ needs about %.1f GB (float32 weights and their packed copy) but this machine has %.1f GB",
            what, bytes / 1e9, available / 1e9))
    }
}
