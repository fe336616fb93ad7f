import Foundation
import Testing
import FlowCore
import FlowTestSupport

@Suite struct SafeTensorsTests {
    let fixture = FixturePath.url("safetensors/mixed.safetensors")

    func expected() throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: FixturePath.url("safetensors/expected.json"))))
    }

    @Test func readsEveryDTypeWrittenByHFSafetensors() throws {
        let file = try SafeTensorsFile(contentsOf: fixture)
        let want = try expected()
        #expect(file.metadata == ["format": "pt", "note": "fixture"])
        for name in ["a.f32", "b.f16", "c.bf16", "f.special_f16", "g.special_bf16", "h.empty"] {
            let info = try #require(file.info(name))
            let entry = try #require(want[name])
            #expect(info.shape == entry["shape"]!.arrayValue!.map { $0.intValue! })
            let values = entry["values"]!.arrayValue!.map { v -> Float in
                if let d = v.doubleValue { return Float(d) }
                return v.stringValue == "-inf" ? -.infinity : .infinity
            }
            #expect(try file.floats(name) == values, "\(name)")
        }
        for name in ["d.i64", "e.i32"] {
            let values = try #require(want[name]?["values"]?.arrayValue).map { $0.intValue! }
            #expect(try file.integers(name) == values)
        }
    }

    @Test func halfAndBFloatRoundingMatchesTorch() throws {
        let rounding = try #require(try expected()["rounding"])
        let source = rounding["source"]!.arrayValue!.map { Float($0.doubleValue!) }
        let f16 = rounding["f16"]!.arrayValue!.map { UInt16($0.intValue!) }
        let bf16 = rounding["bf16"]!.arrayValue!.map { UInt16($0.intValue!) }
        #expect(source.map(HalfFloat.fromFloat) == f16)
        #expect(source.map(BFloat16.fromFloat) == bf16)
        for bits in f16 { #expect(HalfFloat.fromFloat(HalfFloat.toFloat(bits)) == bits) }
    }

    @Test func halfConversionRoundTripsEveryFiniteValue() {
        for bits in UInt16.min...UInt16.max {
            let f = HalfFloat.toFloat(bits)
            if f.isNaN { #expect(HalfFloat.fromFloat(f) & 0x7C00 == 0x7C00); continue }
            #expect(HalfFloat.fromFloat(f) == bits)
        }
    }

    @Test func writerRoundTripsAndIsReadByTheStrictReader() throws {
        let payload = [
            TensorPayload(name: "z", shape: [2, 2], floats: [1, -2, 3.5, 0.25]),
            TensorPayload(name: "a", shape: [3], floats: [1, 2, 3], as: .bf16),
            TensorPayload(name: "m", shape: [1, 3], floats: [0.1, 0.2, 0.3], as: .f16),
            TensorPayload(name: "ids", shape: [2], int64s: [5, -9]),
        ]
        let data = SafeTensorsWriter.encode(payload, metadata: ["format": "pt"])
        let file = try SafeTensorsFile(data: data, path: "mem")
        #expect(file.names == ["a", "ids", "m", "z"])
        #expect(try file.floats("z") == [1, -2, 3.5, 0.25])
        #expect(try file.floats("a") == [1, 2, 3])
        #expect(try file.integers("ids") == [5, -9])
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect((8 + headerLength) % 8 == 0)
    }

    @Test func atomicWriteReplacesTheFile() throws {
        let dir = FixturePath.temporaryDirectory()
        let url = dir.appendingPathComponent("w.safetensors")
        try SafeTensorsWriter.write([TensorPayload(name: "x", shape: [1], floats: [1])], to: url)
        try SafeTensorsWriter.write([TensorPayload(name: "x", shape: [2], floats: [4, 5])], to: url)
        #expect(try SafeTensorsFile(contentsOf: url).floats("x") == [4, 5])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("tmp") }
        #expect(leftovers.isEmpty)
    }

    /// Reading a tensor gives its pages of the mapping back (MappedFile.releasePages); reading it, or its
    /// neighbours on the same pages, again still gives the file's values.
    @Test func tensorsReadAgainAfterTheirPagesWereReleased() throws {
        let dir = FixturePath.temporaryDirectory()
        let url = dir.appendingPathComponent("pages.safetensors")
        let big = (0..<5000).map { Float($0) * 0.5 }, small: [Float] = [7, 8, 9]
        try SafeTensorsWriter.write([TensorPayload(name: "big", shape: [5000], floats: big),
                                     TensorPayload(name: "small", shape: [3], floats: small)], to: url)
        let file = try SafeTensorsFile(contentsOf: url)
        for _ in 0..<2 {
            #expect(try file.floats("big") == big)
            #expect(try file.floats("small") == small)
        }
    }
}

@Suite struct SafeTensorsWideTypesTests {
    @Test func u8AndF64RoundTrip() throws {
        var f64 = Data()
        for v in [1.0 / 3.0, -2.5] { var bits = v.bitPattern.littleEndian; withUnsafeBytes(of: &bits) { f64.append(contentsOf: $0) } }
        let data = SafeTensorsWriter.encode([
            TensorPayload(name: "kinds", dtype: .u8, shape: [3], bytes: Data([0, 3, 255])),
            TensorPayload(name: "normalizer", dtype: .f64, shape: [2], bytes: f64),
        ])
        let file = try SafeTensorsFile(data: data, path: "mem")
        #expect(try file.integers("kinds") == [0, 3, 255])
        #expect(try file.floats("normalizer") == [Float(1.0 / 3.0), -2.5])
    }
}
