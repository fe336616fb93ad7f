import FlowCore

/// What a canvas position is, so the loop knows what it may touch and the UI how to draw it.
public enum PositionRole: String, Sendable, Hashable, Codable {
    /// [CLS], [SEP] and other ids the model needs around the text; never changed.
    case special
    /// A prompt token; never changed.
    case prompt
    /// An infill hole inside the prompt (`[MASK]` or `{{N}}`); generated like the answer.
    case hole
    /// A generated answer position.
    case answer

    @inlinable public var isEditable: Bool { self == .hole || self == .answer }
}

/// A piece of an already tokenized prompt: literal tokens, or a run of infill holes.
public enum PromptPiece: Sendable, Hashable {
    case tokens([TokenID])
    case holes(Int)
}

/// The full token sequence the model sees (`[CLS] prompt… answer… [SEP]`), which positions the loop
/// may change (holes and answer), and which the user pinned. Masked = an editable position holding MASK.
public struct Canvas: Sendable, Hashable {
    public private(set) var tokens: [TokenID]
    public let roles: [PositionRole]
    /// Pinned positions are never edited or remasked (user-forced tokens are pinned).
    public private(set) var pinned: [Bool]
    public let specialTokens: SpecialTokens
    /// Editable positions in ascending order (holes first where they come first).
    public let editablePositions: [Int]

    public init(tokens: [TokenID], roles: [PositionRole], specialTokens: SpecialTokens,
                pinned: [Bool]? = nil) throws(DiffusionError) {
        guard tokens.count == roles.count else {
            throw .invalidCanvas("\(tokens.count) tokens but \(roles.count) roles")
        }
        let pins = pinned ?? [Bool](repeating: false, count: tokens.count)
        guard pins.count == tokens.count else {
            throw .invalidCanvas("\(tokens.count) tokens but \(pins.count) pin flags")
        }
        for (i, role) in roles.enumerated() where !role.isEditable && tokens[i] == specialTokens.mask {
            throw .invalidCanvas("position \(i) is a frozen \(role.rawValue) position holding MASK")
        }
        self.tokens = tokens
        self.roles = roles
        self.pinned = pins
        self.specialTokens = specialTokens
        self.editablePositions = roles.indices.filter { roles[$0].isEditable }
    }

    /// `[CLS] prompt (holes as MASK) answerLength × MASK [SEP]`, the generation and infill canvas.
    public static func generation(prompt: [PromptPiece], answerLength: Int, specialTokens: SpecialTokens,
                                  addSpecialTokens: Bool = true) throws(DiffusionError) -> Canvas {
        guard answerLength >= 0 else { throw .invalidCanvas("answer length \(answerLength) is negative") }
        var tokens: [TokenID] = []
        var roles: [PositionRole] = []
        if addSpecialTokens { tokens.append(specialTokens.cls); roles.append(.special) }
        for piece in prompt {
            switch piece {
            case let .tokens(ids):
                tokens += ids
                roles += [PositionRole](repeating: .prompt, count: ids.count)
            case let .holes(count):
                guard count > 0 else { throw .invalidCanvas("a run of \(count) holes") }
                tokens += [TokenID](repeating: specialTokens.mask, count: count)
                roles += [PositionRole](repeating: .hole, count: count)
            }
        }
        tokens += [TokenID](repeating: specialTokens.mask, count: answerLength)
        roles += [PositionRole](repeating: .answer, count: answerLength)
        if addSpecialTokens { tokens.append(specialTokens.sep); roles.append(.special) }
        return try Canvas(tokens: tokens, roles: roles, specialTokens: specialTokens)
    }

    /// A canvas for repair mode: `tokens` as they are (damaged, possibly with MASKs), `editable` positions
    /// as answer, reserved ids elsewhere as special, everything else as frozen prompt.
    public static func repair(tokens: [TokenID], editable: [Int], specialTokens: SpecialTokens) throws(DiffusionError) -> Canvas {
        var roles = tokens.map { specialTokens.isReserved($0) ? PositionRole.special : .prompt }
        for p in editable {
            guard tokens.indices.contains(p) else { throw .invalidCanvas("editable position \(p) is outside the \(tokens.count) tokens") }
            roles[p] = .answer
        }
        return try Canvas(tokens: tokens, roles: roles, specialTokens: specialTokens)
    }

    public var count: Int { tokens.count }

    public func isMasked(_ position: Int) -> Bool {
        roles[position].isEditable && tokens[position] == specialTokens.mask
    }

    public var maskedCount: Int { editablePositions.reduce(0) { $0 + (tokens[$1] == specialTokens.mask ? 1 : 0) } }

    /// Fraction of editable positions that are visible (not MASK); 1 when nothing is editable.
    public var visibleFraction: Double {
        editablePositions.isEmpty ? 1 : Double(editablePositions.count - maskedCount) / Double(editablePositions.count)
    }

    /// Tokens at the editable positions, in order (the generated text without prompt and specials).
    public var generatedTokens: [TokenID] { editablePositions.map { tokens[$0] } }

    /// Sets an editable position's token; callers in this module validate ranges first.
    mutating func set(_ token: TokenID, at position: Int) { tokens[position] = token }

    mutating func setPinned(_ value: Bool, at position: Int) { pinned[position] = value }

    func checkEditable(_ position: Int) throws(DiffusionError) {
        guard tokens.indices.contains(position) else {
            throw .invalidCanvas("position \(position) is outside the canvas 0..<\(tokens.count)")
        }
        guard roles[position].isEditable else {
            throw .invalidCanvas("position \(position) is a \(roles[position].rawValue) position and cannot change")
        }
    }
}
