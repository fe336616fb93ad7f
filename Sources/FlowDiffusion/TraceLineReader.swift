import FlowCore

/// One parsed trace line with typed accessors that fail with the file and line number.
struct LineReader {
    let path: String
    let number: Int
    let value: JSONValue

    init(path: String, number: Int, bytes: ArraySlice<UInt8>) throws(DiffusionError) {
        self.path = path
        self.number = number
        do { value = try JSONValue.parse(bytes) } catch {
            throw .trace(path: path, line: number, problem: "\(error) (corrupted or truncated line)")
        }
        guard value.objectValue != nil else { throw .trace(path: path, line: number, problem: "line is not a JSON object") }
    }

    func fail(_ problem: String) -> DiffusionError { .trace(path: path, line: number, problem: problem) }

    func member(_ key: String, in object: JSONValue? = nil, label: String? = nil) throws(DiffusionError) -> JSONValue {
        guard let found = (object ?? value)[key] else { throw fail("missing \"\(label.map { "\($0)." } ?? "")\(key)\"") }
        return found
    }

    func int(_ key: String, in object: JSONValue? = nil, label: String? = nil) throws(DiffusionError) -> Int {
        guard let n = try member(key, in: object, label: label).intValue else { throw fail("\"\(key)\" is not an integer") }
        return n
    }

    func uint64(_ key: String, in object: JSONValue? = nil) throws(DiffusionError) -> UInt64 {
        guard case let .number(text) = try member(key, in: object), let n = UInt64(text) else {
            throw fail("\"\(key)\" is not an unsigned integer")
        }
        return n
    }

    func double(_ key: String, in object: JSONValue? = nil) throws(DiffusionError) -> Double {
        guard let x = try member(key, in: object).doubleValue, x.isFinite else { throw fail("\"\(key)\" is not a number") }
        return x
    }

    func string(_ key: String, in object: JSONValue? = nil) throws(DiffusionError) -> String {
        guard let s = try member(key, in: object).stringValue else { throw fail("\"\(key)\" is not a string") }
        return s
    }

    func choice<T: RawRepresentable>(_ key: String, in object: JSONValue? = nil, as type: T.Type) throws(DiffusionError) -> T
    where T.RawValue == String {
        let text = try string(key, in: object)
        guard let choice = T(rawValue: text) else { throw fail("\"\(key)\" has an unknown value \"\(text)\"") }
        return choice
    }

    func phase(_ key: String) throws(DiffusionError) -> RefinementPhase { try choice(key, as: RefinementPhase.self) }

    func ints(_ key: String, count: Int? = nil) throws(DiffusionError) -> [Int] {
        guard let items = try member(key).arrayValue else { throw fail("\"\(key)\" is not an array") }
        if let count, items.count != count { throw fail("\"\(key)\" has \(items.count) entries, expected \(count)") }
        var out: [Int] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard let n = item.intValue else { throw fail("\"\(key)\" holds a non-integer") }
            out.append(n)
        }
        return out
    }

    func tokens(_ key: String, vocabulary: Int, count: Int? = nil) throws(DiffusionError) -> [TokenID] {
        let values = try ints(key, count: count)
        guard values.allSatisfy({ $0 >= 0 && $0 < vocabulary }) else { throw fail("\"\(key)\" holds an id outside the vocabulary of \(vocabulary)") }
        return values.map { TokenID($0) }
    }

    func floats(_ key: String, count: Int) throws(DiffusionError) -> [Float] {
        guard let items = try member(key).arrayValue else { throw fail("\"\(key)\" is not an array") }
        guard items.count == count else { throw fail("\"\(key)\" has \(items.count) entries, expected \(count)") }
        var out: [Float] = []
        out.reserveCapacity(count)
        for item in items {
            guard case let .number(text) = item, let x = Float(text), x.isFinite else { throw fail("\"\(key)\" holds a non-number") }
            out.append(x)
        }
        return out
    }

    func knobs(_ object: JSONValue, label: String) throws(DiffusionError) -> SamplerKnobs {
        var k = SamplerKnobs()
        if let problem = k.apply(json: object, requireAll: true) { throw fail("\(label): \(problem)") }
        do { try k.validate(contextLength: Int.max) } catch { throw fail("\(label): \(error.description)") }
        return k
    }

    func change(_ object: JSONValue, label: String, vocabulary: Int, positions: Int) throws(DiffusionError) -> TokenChange {
        let position = try int("pos", in: object, label: label)
        guard position >= 0, position < positions else { throw fail("\(label).pos \(position) is outside the canvas") }
        func id(_ key: String) throws(DiffusionError) -> TokenID {
            let n = try int(key, in: object, label: label)
            guard n >= 0, n < vocabulary else { throw fail("\(label).\(key) \(n) is outside the vocabulary") }
            return TokenID(n)
        }
        return TokenChange(position: position, kind: try choice("kind", in: object, as: ChangeKind.self),
                           from: try id("from"), to: try id("to"),
                           pFrom: Float(try double("p_from", in: object)), pTo: Float(try double("p_to", in: object)),
                           reason: ChangeReason(try choice("reason", in: object, as: ChangeReason.Code.self),
                                                try string("why", in: object)))
    }
}
