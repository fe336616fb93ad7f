import FlowCore

/// The checks every architecture's strict weight binding makes, with the same messages for all: each error names
/// the shard that holds the tensor at fault (the set's path when none does).
extension WeightFiles {
    func fail(_ kind: ModelFileError.Kind, _ detail: String, tensor: String? = nil) -> ModelFileError {
        ModelFileError(path: tensor.map { path(of: $0) } ?? path, kind: kind, detail: detail)
    }

    /// Two names in the files that stand for the same arena tensor (with and without a prefix, say).
    func duplicateError(_ info: TensorInfo, previous: String, canonical: String) -> ModelFileError {
        fail(.unexpectedTensor(info.name), "tensors '\(previous)' and '\(info.name)' both name '\(canonical)'", tensor: info.name)
    }

    func missingError(_ name: String, shape: [Int]) -> ModelFileError {
        fail(.missingTensor(name), "missing tensor '\(name)' with shape \(shape)")
    }

    /// Only float tensors are converted into the Float32 arena.
    func checkFloat(_ info: TensorInfo) throws(ModelFileError) {
        guard info.dtype.isFloatingPoint else {
            throw fail(.wrongDType(info.name), "tensor '\(info.name)' has dtype \(info.dtype.rawValue); expected F32, F16 or BF16",
                       tensor: info.name)
        }
    }

    func checkShape(_ info: TensorInfo, _ shape: [Int]) throws(ModelFileError) {
        guard info.shape == shape else {
            throw fail(.wrongShape(info.name), "tensor '\(info.name)' has shape \(info.shape), expected \(shape)", tensor: info.name)
        }
    }

    /// The tensor's values as Float32.
    func readFloats(_ info: TensorInfo) throws(ModelFileError) -> [Float] {
        do { return try floats(info.name) } catch {
            throw fail(.unreadableFile, "tensor '\(info.name)': \(error)", tensor: info.name)
        }
    }
}
