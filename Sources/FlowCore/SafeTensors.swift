import Foundation

/// Why a safetensors file was refused. Each case names the problem; `SafeTensorsFile` adds the path.
public enum SafeTensorsProblem: Equatable, Sendable, CustomStringConvertible {
    case truncated(size: Int)
    case headerBeyondFile(headerLength: UInt64, fileSize: Int)
    case headerTooLarge(headerLength: UInt64)
    case invalidJSON(String)
    case headerNotObject
    case badEntry(name: String, reason: String)
    case unknownDType(name: String, dtype: String)
    case duplicateName(String)
    case sizeMismatch(name: String, expected: Int, actual: Int)
    case offsetsOutsideData(name: String, end: Int, dataSize: Int)
    case overlap(String, String)
    case gap(before: String, at: Int)
    case unindexedTail(dataSize: Int, indexed: Int)
    case missingTensor(String)
    case wrongDType(name: String, dtype: DType)

    public var description: String {
        switch self {
        case let .truncated(size): "file is truncated (\(size) bytes, a safetensors file needs at least 8)"
        case let .headerBeyondFile(n, size): "header length \(n) runs past the end of the file (\(size) bytes)"
        case let .headerTooLarge(n): "header length \(n) is absurdly large (limit \(SafeTensorsFile.maxHeaderLength))"
        case let .invalidJSON(why): "header is not valid JSON (\(why))"
        case .headerNotObject: "header is not a JSON object"
        case let .badEntry(name, why): "tensor '\(name)': \(why)"
        case let .unknownDType(name, dtype): "tensor '\(name)': unknown dtype '\(dtype)'"
        case let .duplicateName(name): "tensor '\(name)' appears twice in the header"
        case let .sizeMismatch(name, expected, actual):
            "tensor '\(name)': dtype × shape is \(expected) bytes but data_offsets span \(actual)"
        case let .offsetsOutsideData(name, end, size): "tensor '\(name)': data ends at \(end), past the data section (\(size) bytes)"
        case let .overlap(a, b): "tensors '\(a)' and '\(b)' overlap"
        case let .gap(name, at): "gap in the data section before tensor '\(name)' (at byte \(at))"
        case let .unindexedTail(size, indexed): "data section has \(size - indexed) bytes after the last tensor"
        case let .missingTensor(name): "no tensor named '\(name)'"
        case let .wrongDType(name, dtype): "tensor '\(name)' has dtype \(dtype.rawValue), not a type this call reads"
        }
    }
}

public struct SafeTensorsError: FlowLMError, Equatable {
    public let path: String
    public let problem: SafeTensorsProblem
    public var description: String { "\(path): \(problem)" }
}

/// One tensor's entry in the header. `range` is relative to the start of the data section.
public struct TensorInfo: Sendable, Equatable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    public let range: Range<Int>
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A validated, memory-mapped safetensors file. Every offset is checked against the file size before
/// any pointer is formed, so a hostile file produces an error, never an out-of-bounds read.
public final class SafeTensorsFile: @unchecked Sendable {
    public static let maxHeaderLength: UInt64 = 100 * 1024 * 1024

    public let path: String
    public let metadata: [String: String]
    /// Tensors in data order.
    public let tensors: [TensorInfo]
    private let byName: [String: Int]
    private let bytes: Data
    private let dataStart: Int
    /// The mapping `bytes` lives in, when read from a file.
    private let mapping: MappedFile?

    public convenience init(contentsOf url: URL) throws {
        let mapping = try MappedFile(contentsOf: url)
        try self.init(data: mapping.data, path: url.path, mapping: mapping)
    }

    public convenience init(data: Data, path: String) throws(SafeTensorsError) {
        try self.init(data: data, path: path, mapping: nil)
    }

    private init(data: Data, path: String, mapping: MappedFile?) throws(SafeTensorsError) {
        self.path = path
        self.bytes = data
        self.mapping = mapping
        func fail(_ p: SafeTensorsProblem) -> SafeTensorsError { SafeTensorsError(path: path, problem: p) }

        guard data.count >= 8 else { throw fail(.truncated(size: data.count)) }
        let headerLength: UInt64 = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var n: UInt64 = 0
            for k in 0..<8 { n |= UInt64(raw[k]) << (8 * UInt64(k)) }
            return n
        }
        guard headerLength <= SafeTensorsFile.maxHeaderLength else { throw fail(.headerTooLarge(headerLength: headerLength)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail(.headerBeyondFile(headerLength: headerLength, fileSize: data.count))
        }
        let headerEnd = 8 + Int(headerLength)
        let json: JSONValue
        let headerBytes = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in Array(raw[8..<headerEnd]) }
        do {
            json = try JSONValue.parse(headerBytes)
        } catch {
            throw fail(.invalidJSON(error.description))
        }
        guard case let .object(members) = json else { throw fail(.headerNotObject) }

        dataStart = headerEnd
        let dataSize = data.count - headerEnd
        var metadata: [String: String] = [:]
        var infos: [TensorInfo] = []
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else { throw fail(.duplicateName(name)) }
            if name == "__metadata__" {
                guard case let .object(pairs) = value else { throw fail(.badEntry(name: name, reason: "__metadata__ is not an object")) }
                for (k, v) in pairs {
                    guard let s = v.stringValue else { throw fail(.badEntry(name: name, reason: "metadata value '\(k)' is not a string")) }
                    metadata[k] = s
                }
                continue
            }
            guard case .object = value else { throw fail(.badEntry(name: name, reason: "entry is not an object")) }
            guard let dtypeName = value["dtype"]?.stringValue else { throw fail(.badEntry(name: name, reason: "missing dtype")) }
            guard let dtype = DType(rawValue: dtypeName) else { throw fail(.unknownDType(name: name, dtype: dtypeName)) }
            guard let shapeValues = value["shape"]?.arrayValue else { throw fail(.badEntry(name: name, reason: "missing shape")) }
            var shape: [Int] = []
            var elements = 1
            for dim in shapeValues {
                guard let d = dim.intValue, d >= 0 else { throw fail(.badEntry(name: name, reason: "shape holds a value that is not a non-negative integer")) }
                shape.append(d)
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, p <= Int(UInt32.max) * 16 else { throw fail(.badEntry(name: name, reason: "shape is absurdly large")) }
                elements = p
            }
            guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
                  let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, end >= begin
            else { throw fail(.badEntry(name: name, reason: "data_offsets is not [begin, end] with 0 ≤ begin ≤ end")) }
            let expected = elements * dtype.byteSize
            guard expected == end - begin else { throw fail(.sizeMismatch(name: name, expected: expected, actual: end - begin)) }
            guard end <= dataSize else { throw fail(.offsetsOutsideData(name: name, end: end, dataSize: dataSize)) }
            infos.append(TensorInfo(name: name, dtype: dtype, shape: shape, range: begin..<end))
        }
        infos.sort { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }
        var cursor = 0
        var previous: String?
        for info in infos {
            if info.range.lowerBound < cursor { throw fail(.overlap(previous ?? "", info.name)) }
            if info.range.lowerBound > cursor { throw fail(.gap(before: info.name, at: cursor)) }
            cursor = info.range.upperBound
            previous = info.name
        }
        guard cursor == dataSize else { throw fail(.unindexedTail(dataSize: dataSize, indexed: cursor)) }
        self.metadata = metadata
        self.tensors = infos
        self.byName = Dictionary(uniqueKeysWithValues: infos.enumerated().map { ($1.name, $0) })
    }

    public var names: [String] { tensors.map(\.name) }

    public func info(_ name: String) -> TensorInfo? { byName[name].map { tensors[$0] } }

    private func require(_ name: String) throws(SafeTensorsError) -> TensorInfo {
        guard let info = info(name) else { throw SafeTensorsError(path: path, problem: .missingTensor(name)) }
        return info
    }

    /// The raw little-endian bytes of a tensor, valid while `body` runs.
    public func withBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let info = try require(name)
        return try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[(dataStart + info.range.lowerBound)..<(dataStart + info.range.upperBound)]))
        }
    }

    /// A floating-point tensor converted to Float32, whatever its stored precision. The tensor's pages of the file
    /// are given back afterwards (`MappedFile.releasePages`), so loading a model never holds the file beside it.
    public func floats(_ name: String) throws -> [Float] {
        let info = try require(name)
        guard info.dtype.isFloatingPoint else { throw SafeTensorsError(path: path, problem: .wrongDType(name: name, dtype: info.dtype)) }
        defer { mapping?.releasePages((dataStart + info.range.lowerBound)..<(dataStart + info.range.upperBound)) }
        return try withBytes(name) { raw in
            let n = info.elementCount
            return [Float](unsafeUninitializedCapacity: n) { out, count in
                switch info.dtype {
                case .f32:
                    for k in 0..<n { out[k] = Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self).littleEndian) }
                case .f16:
                    for k in 0..<n { out[k] = HalfFloat.toFloat(raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self).littleEndian) }
                case .bf16:
                    for k in 0..<n { out[k] = BFloat16.toFloat(raw.loadUnaligned(fromByteOffset: 2 * k, as: UInt16.self).littleEndian) }
                case .f64:
                    for k in 0..<n { out[k] = Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self).littleEndian)) }
                case .i32, .i64, .u8: break
                }
                count = n
            }
        }
    }

    /// An integer tensor (I64, I32 or U8) as Int.
    public func integers(_ name: String) throws -> [Int] {
        let info = try require(name)
        return try withBytes(name) { raw in
            switch info.dtype {
            case .i64: return (0..<info.elementCount).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            case .i32: return (0..<info.elementCount).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            case .u8: return raw.map { Int($0) }
            default: throw SafeTensorsError(path: path, problem: .wrongDType(name: name, dtype: info.dtype))
            }
        }
    }
}

/// A tensor to be written: name, dtype, shape and its little-endian bytes.
public struct TensorPayload: Sendable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]
    public let bytes: Data

    public init(name: String, dtype: DType, shape: [Int], bytes: Data) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.bytes = bytes
    }

    /// Float values stored as F32, F16 or BF16 (rounded to nearest even).
    public init(name: String, shape: [Int], floats: [Float], as dtype: DType = .f32) {
        precondition(dtype.isFloatingPoint && shape.reduce(1, *) == floats.count, "TensorPayload: shape does not match values")
        var data = Data(count: floats.count * dtype.byteSize)
        data.withUnsafeMutableBytes { raw in
            for (k, f) in floats.enumerated() {
                switch dtype {
                case .f32: raw.storeBytes(of: f.bitPattern.littleEndian, toByteOffset: 4 * k, as: UInt32.self)
                case .f16: raw.storeBytes(of: HalfFloat.fromFloat(f).littleEndian, toByteOffset: 2 * k, as: UInt16.self)
                case .bf16: raw.storeBytes(of: BFloat16.fromFloat(f).littleEndian, toByteOffset: 2 * k, as: UInt16.self)
                case .f64: raw.storeBytes(of: Double(f).bitPattern.littleEndian, toByteOffset: 8 * k, as: UInt64.self)
                case .i32, .i64, .u8: break
                }
            }
        }
        self.init(name: name, dtype: dtype, shape: shape, bytes: data)
    }

    public init(name: String, shape: [Int], int64s: [Int]) {
        precondition(shape.reduce(1, *) == int64s.count, "TensorPayload: shape does not match values")
        var data = Data(count: int64s.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (k, v) in int64s.enumerated() { raw.storeBytes(of: Int64(v).littleEndian, toByteOffset: 8 * k, as: Int64.self) }
        }
        self.init(name: name, dtype: .i64, shape: shape, bytes: data)
    }
}

public enum SafeTensorsWriter {
    /// The file's bytes: tensors sorted by name with contiguous offsets (as HF writes them), the header
    /// padded with spaces so the data section starts 8-byte aligned.
    public static func encode(_ tensors: [TensorPayload], metadata: [String: String] = ["format": "pt"]) -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        var members: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        var offset = 0
        for t in sorted {
            members.append((t.name, .object([
                ("dtype", .string(t.dtype.rawValue)),
                ("shape", .array(t.shape.map { .number(String($0)) })),
                ("data_offsets", .array([.number(String(offset)), .number(String(offset + t.bytes.count))])),
            ])))
            offset += t.bytes.count
        }
        var header = Array(JSONValue.object(members).serialized.utf8)
        while (8 + header.count) % 8 != 0 { header.append(0x20) }
        var out = Data(capacity: 8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for t in sorted { out.append(t.bytes) }
        return out
    }

    /// Writes atomically: a crash leaves the previous file intact.
    public static func write(_ tensors: [TensorPayload], metadata: [String: String] = ["format": "pt"], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }
}
