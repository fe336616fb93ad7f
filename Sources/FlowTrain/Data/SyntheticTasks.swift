import FlowCore

/// A generated example: the prompt (frozen) and the answer (to generate, corrupt and score).
public struct SyntheticSample: Sendable, Equatable {
    public var prompt: String
    public var answer: String
    public init(prompt: String, answer: String) { self.prompt = prompt; self.answer = answer }
}

/// A task generated on the fly with an exact checker, over its own tiny vocabulary.
public protocol SyntheticTask: Sendable {
    var name: String { get }
    var vocabulary: SymbolVocabulary { get }
    /// Longest `[CLS] prompt [SEP] answer [SEP]` (or `[CLS] answer [SEP]`) the task produces.
    var maximumSequenceLength: Int { get }
    func sample(using rng: inout FlowRandom) -> SyntheticSample
    func isCorrect(prompt: String, answer: String) -> Bool
}

extension SyntheticTask {
    /// `[CLS] prompt [SEP] answer [SEP]`, or `[CLS] answer [SEP]` with an empty prompt; only the answer is editable.
    public func example(_ sample: SyntheticSample) -> TrainingExample {
        let specials = vocabulary.specials
        let prompt = vocabulary.encode(sample.prompt)
        let answer = vocabulary.encode(sample.answer)
        let head = prompt.isEmpty ? [specials.cls] : [specials.cls] + prompt + [specials.sep]
        return TrainingExample(ids: head + answer + [specials.sep],
                               editable: [Bool](repeating: false, count: head.count) + answer.map { !specials.isReserved($0) } + [false])
    }
}

/// Palindromes of a length in `lengths` over `alphabet`; no prompt.
public struct PalindromeTask: SyntheticTask {
    public let name = "palindrome"
    public let vocabulary: SymbolVocabulary
    public let lengths: ClosedRange<Int>

    public static let defaultLengths = 4...16

    public init(alphabet: String = "abcdefgh", lengths: ClosedRange<Int> = PalindromeTask.defaultLengths) throws(SettingError) {
        guard lengths.lowerBound >= 1 else { throw SettingError(message: "palindrome lengths must be at least 1") }
        vocabulary = try SymbolVocabulary(symbols: alphabet)
        self.lengths = lengths
    }

    public var maximumSequenceLength: Int { lengths.upperBound + 2 }

    public func sample(using rng: inout FlowRandom) -> SyntheticSample {
        let n = lengths.lowerBound + rng.nextInt(below: lengths.count)
        let half = (0..<((n + 1) / 2)).map { _ in vocabulary.symbols[rng.nextInt(below: vocabulary.symbols.count)] }
        let bytes = half + half.prefix(n / 2).reversed()
        return SyntheticSample(prompt: "", answer: String(decoding: bytes, as: UTF8.self))
    }

    public func isCorrect(prompt: String, answer: String) -> Bool {
        let bytes = Array(answer.utf8)
        return !bytes.isEmpty && bytes.allSatisfy(vocabulary.symbols.contains) && bytes == bytes.reversed()
    }
}

/// Balanced strings over two bracket kinds, "()" and "[]", of an even length in `lengths`; no prompt.
public struct BracketTask: SyntheticTask {
    public let name = "dyck"
    public let vocabulary: SymbolVocabulary
    public let lengths: ClosedRange<Int>

    public static let defaultLengths = 4...16

    public init(lengths: ClosedRange<Int> = BracketTask.defaultLengths) throws(SettingError) {
        guard lengths.lowerBound >= 2, lengths.upperBound >= lengths.lowerBound + (lengths.lowerBound % 2) else {
            throw SettingError(message: "bracket lengths must include an even length of at least 2")
        }
        vocabulary = try SymbolVocabulary(symbols: "()[]")
        self.lengths = lengths
    }

    public var maximumSequenceLength: Int { lengths.upperBound + 2 }

    public func sample(using rng: inout FlowRandom) -> SyntheticSample {
        let low = (lengths.lowerBound + 1) / 2, high = lengths.upperBound / 2
        let pairs = low + rng.nextInt(below: high - low + 1)
        var opensLeft = pairs
        var stack: [UInt8] = []
        var out: [UInt8] = []
        while out.count < 2 * pairs {
            if opensLeft > 0 && (stack.isEmpty || rng.nextInt(below: 2) == 0) {
                let round = rng.nextInt(below: 2) == 0
                out.append(round ? UInt8(ascii: "(") : UInt8(ascii: "["))
                stack.append(round ? UInt8(ascii: ")") : UInt8(ascii: "]"))
                opensLeft -= 1
            } else {
                out.append(stack.removeLast())
            }
        }
        return SyntheticSample(prompt: "", answer: String(decoding: out, as: UTF8.self))
    }

    public func isCorrect(prompt: String, answer: String) -> Bool {
        var stack: [UInt8] = []
        for b in answer.utf8 {
            switch b {
            case UInt8(ascii: "("): stack.append(UInt8(ascii: ")"))
            case UInt8(ascii: "["): stack.append(UInt8(ascii: "]"))
            case UInt8(ascii: ")"), UInt8(ascii: "]"):
                guard stack.popLast() == b else { return false }
            default: return false
            }
        }
        return stack.isEmpty && !answer.isEmpty
    }
}

/// Multi-digit addition: prompt "12+34=", answer "46" (no leading zeros).
public struct AdditionTask: SyntheticTask {
    public let name = "addition"
    public let vocabulary: SymbolVocabulary
    public let maximumDigits: Int

    public init(maximumDigits: Int = 3) throws(SettingError) {
        guard (1...9).contains(maximumDigits) else { throw SettingError(message: "addition digits must be in 1…9") }
        vocabulary = try SymbolVocabulary(symbols: "0123456789+=")
        self.maximumDigits = maximumDigits
    }

    /// [CLS] a + b = [SEP] sum [SEP]
    public var maximumSequenceLength: Int { 3 * maximumDigits + 6 }

    public func sample(using rng: inout FlowRandom) -> SyntheticSample {
        func operand() -> Int {
            let digits = 1 + rng.nextInt(below: maximumDigits)
            let low = digits == 1 ? 0 : Self.power(digits - 1)
            return low + rng.nextInt(below: Self.power(digits) - low)
        }
        let a = operand(), b = operand()
        return SyntheticSample(prompt: "\(a)+\(b)=", answer: String(a + b))
    }

    public func isCorrect(prompt: String, answer: String) -> Bool {
        guard prompt.hasSuffix("=") else { return false }
        let parts = prompt.dropLast().split(separator: "+", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Self.decimal(parts[0]), let b = Self.decimal(parts[1]),
              let sum = Self.decimal(Substring(answer)) else { return false }
        return a + b == sum
    }

    /// A non-negative decimal without leading zeros (and at most 18 digits), nil otherwise.
    static func decimal(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 18, s.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard s.count == 1 || s.first != "0" else { return nil }
        return Int(s)
    }

    static func power(_ k: Int) -> Int { (0..<k).reduce(1) { r, _ in r * 10 } }
}
