import Testing
import FlowCore

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderDuplicatesAndNumberText() throws {
        let v = try JSONValue.parse(#"{"b": 1, "a": [true, null, -2.5e3], "b": "x", "big": 9007199254740993}"#)
        let keys = try #require(v.objectValue).map(\.key)
        #expect(keys == ["b", "a", "b", "big"])
        #expect(v["big"]?.intValue == 9_007_199_254_740_993)
        #expect(v["a"]?.arrayValue?[2].doubleValue == -2500)
        #expect(v["b"]?.intValue == 1)
    }

    @Test func decodesEscapesAndSurrogates() throws {
        let v = try JSONValue.parse(#""a\"\\\/\n\u00e9\ud83d\ude00""#)
        #expect(v.stringValue == "a\"\\/\né😀")
        #expect(try JSONValue.parse(JSONValue.string("tab\t\u{1}é").serialized) == .string("tab\t\u{1}é"))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"\\ud800\"", "tru", "{} x", "\"a\u{1}\"", "[1e]"])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue.parse(deep) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xFF, 0x22]) }
    }
}
