import FlowCore

/// Typed reads of tokenizer.json fields that throw a TokenizerError naming the file and the key path.
struct JSONFields {
    let path: String

    func object(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> JSONValue {
        guard let value else { throw TokenizerError(path, "missing '\(key)'") }
        guard value.objectValue != nil else { throw TokenizerError(path, "'\(key)' must be an object") }
        return value
    }

    func array(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> [JSONValue] {
        guard let value else { throw TokenizerError(path, "missing '\(key)'") }
        guard let items = value.arrayValue else { throw TokenizerError(path, "'\(key)' must be an array") }
        return items
    }

    func string(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> String {
        guard let value else { throw TokenizerError(path, "missing '\(key)'") }
        guard let s = value.stringValue else { throw TokenizerError(path, "'\(key)' must be a string") }
        return s
    }

    func optionalString(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let s = value.stringValue else { throw TokenizerError(path, "'\(key)' must be a string or null") }
        return s
    }

    func bool(_ value: JSONValue?, _ key: String, default fallback: Bool) throws(TokenizerError) -> Bool {
        guard let value, !value.isNull else { return fallback }
        guard let b = value.boolValue else { throw TokenizerError(path, "'\(key)' must be true or false") }
        return b
    }

    /// A required true or false.
    func bool(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> Bool {
        guard let value else { throw TokenizerError(path, "missing '\(key)'") }
        guard let b = value.boolValue else { throw TokenizerError(path, "'\(key)' must be true or false") }
        return b
    }

    func optionalBool(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard let b = value.boolValue else { throw TokenizerError(path, "'\(key)' must be true, false or null") }
        return b
    }

    /// A count or length: an integer >= 0.
    func count(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> Int {
        guard let value else { throw TokenizerError(path, "missing '\(key)'") }
        guard let n = value.intValue, n >= 0 else { throw TokenizerError(path, "'\(key)' must be an integer >= 0") }
        return n
    }

    /// A template's type id (0 when absent): an integer in 0..<2^32.
    func typeID(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> UInt32 {
        guard let value, !value.isNull else { return 0 }
        guard let n = value.intValue, let typeID = UInt32(exactly: n) else {
            throw TokenizerError(path, "'\(key)' must be an integer in 0..<4294967296")
        }
        return typeID
    }

    /// A token id: an integer in 0..<2^24 (far above any real vocabulary, low enough to index arrays).
    func id(_ value: JSONValue?, _ key: String) throws(TokenizerError) -> TokenID {
        guard let value else { throw TokenizerError(path, "missing '\(key)'") }
        guard let n = value.intValue else { throw TokenizerError(path, "'\(key)' must be an integer id") }
        guard n >= 0, n < 1 << 24 else { throw TokenizerError(path, "'\(key)' id \(n) is out of range") }
        return TokenID(n)
    }

    func type(_ value: JSONValue, _ component: String) throws(TokenizerError) -> String {
        guard value.objectValue != nil else { throw TokenizerError(path, "'\(component)' must be an object or null") }
        return try string(value["type"], "\(component).type")
    }
}
