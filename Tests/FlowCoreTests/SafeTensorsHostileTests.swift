import Foundation
import Testing
import FlowCore

/// Every malformed file is refused with the named problem, never a trap.
@Suite struct SafeTensorsHostileTests {
    static func file(header: String, dataBytes: Int, declaredLength: UInt64? = nil) -> Data {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        var out = Data()
        var n = (declaredLength ?? UInt64(h.count)).littleEndian
        withUnsafeBytes(of: &n) { out.append(contentsOf: $0) }
        out.append(contentsOf: h)
        out.append(Data(count: dataBytes))
        return out
    }

    func problem(_ data: Data) -> SafeTensorsProblem? {
        do { _ = try SafeTensorsFile(data: data, path: "bad.safetensors"); return nil } catch { return error.problem }
    }

    @Test func truncatedAndOversizedHeaders() {
        #expect(problem(Data([1, 2, 3])) == .truncated(size: 3))
        #expect(problem(Self.file(header: "{}", dataBytes: 0, declaredLength: 1000)) == .headerBeyondFile(headerLength: 1000, fileSize: 16))
        #expect(problem(Self.file(header: "{}", dataBytes: 0, declaredLength: UInt64.max)) == .headerTooLarge(headerLength: UInt64.max))
    }

    @Test func invalidJSONAndNonObjects() {
        if case .invalidJSON = problem(Self.file(header: "{\"a\": [1,", dataBytes: 0)) {} else { Issue.record("expected invalidJSON") }
        #expect(problem(Self.file(header: "[1, 2]", dataBytes: 0)) == .headerNotObject)
        #expect(problem(Self.file(header: #"{"x": 3}"#, dataBytes: 0)) == .badEntry(name: "x", reason: "entry is not an object"))
    }

    @Test func entryErrors() {
        let unknown = #"{"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}"#
        #expect(problem(Self.file(header: unknown, dataBytes: 1)) == .unknownDType(name: "w", dtype: "F8_E4M3"))
        let mismatch = #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#
        #expect(problem(Self.file(header: mismatch, dataBytes: 8)) == .sizeMismatch(name: "w", expected: 12, actual: 8))
        let outside = #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}"#
        #expect(problem(Self.file(header: outside, dataBytes: 4)) == .offsetsOutsideData(name: "w", end: 8, dataSize: 4))
        let negative = #"{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#
        #expect(problem(Self.file(header: negative, dataBytes: 4)) != nil)
        let backwards = #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#
        #expect(problem(Self.file(header: backwards, dataBytes: 4)) != nil)
        let huge = #"{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}"#
        #expect(problem(Self.file(header: huge, dataBytes: 4)) == .badEntry(name: "w", reason: "shape is absurdly large"))
    }

    @Test func layoutErrors() {
        let dup = #"{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(problem(Self.file(header: dup, dataBytes: 8)) == .duplicateName("w"))
        let overlap = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#
        #expect(problem(Self.file(header: overlap, dataBytes: 8)) == .overlap("a", "b"))
        let gap = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#
        #expect(problem(Self.file(header: gap, dataBytes: 12)) == .gap(before: "b", at: 4))
        let tail = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#
        #expect(problem(Self.file(header: tail, dataBytes: 12)) == .unindexedTail(dataSize: 12, indexed: 4))
    }

    @Test func missingTensorAndWrongTypeAreErrorsNamingTheFile() throws {
        let data = SafeTensorsWriter.encode([TensorPayload(name: "ids", shape: [1], int64s: [1])])
        let file = try SafeTensorsFile(data: data, path: "model.safetensors")
        #expect(throws: SafeTensorsError.self) { try file.floats("nope") }
        do { _ = try file.floats("ids"); Issue.record("expected an error") } catch {
            #expect("\(error)".hasPrefix("model.safetensors: "))
        }
    }

    @Test func everyTruncationOfARealFileIsRefused() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/safetensors/mixed.safetensors"))
        for cut in 0..<data.count { #expect(problem(data.prefix(cut)) != nil, "cut at \(cut)") }
        var rng = FlowRandom(seed: 1)
        for _ in 0..<300 {
            var bad = data
            let at = rng.nextInt(below: bad.count)
            bad[at] = UInt8(truncatingIfNeeded: rng.next())
            _ = problem(bad)  // any answer is fine; it must not trap
        }
    }
}
