import Foundation
import FlowCore

/// The memory a model needs before any of it is allocated, so a config.json claiming absurd shapes is refused
/// with a number instead of dying in an allocation.
public enum MemoryBudget {
    /// The parameters once in float32: a model keeps either its arena or, for inference, the packed copy and a
    /// compact arena of the rest (`PackedParameters`), never both.
    public static func weightBytes(parameterCount: Int) -> Double { 4 * Double(parameterCount) }

    /// Throws, naming `path`, when `bytes` exceed this machine's memory.
    public static func requireFits(_ bytes: Double, path: String, what: String,
                                   available: Double = Double(ProcessInfo.processInfo.physicalMemory)) throws(ModelFileError) {
        guard bytes > available else { return }
        throw ModelFileError(path: path, kind: .unsupported(key: "shape"), detail: String(
            format: "%@ needs about %.1f GB (float32 weights) but this machine has %.1f GB",
            what, bytes / 1e9, available / 1e9))
    }
}
