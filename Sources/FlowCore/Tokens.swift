/// A vocabulary index. Int32 matches HF's on-disk ids (I32/I64 safetensors) and halves canvas memory.
public typealias TokenID = Int32

/// The ids a model reserves. Samplers never propose these; corruption never touches them.
public struct SpecialTokens: Sendable, Hashable, Codable {
    public var pad: TokenID
    public var cls: TokenID
    public var sep: TokenID
    public var mask: TokenID
    public var unk: TokenID?

    public init(pad: TokenID, cls: TokenID, sep: TokenID, mask: TokenID, unk: TokenID? = nil) {
        self.pad = pad; self.cls = cls; self.sep = sep; self.mask = mask; self.unk = unk
    }

    /// Ids that must never be proposed by a sampler or drawn as a substitute.
    public var reserved: [TokenID] {
        var ids = [pad, cls, sep, mask]
        if let unk { ids.append(unk) }
        return ids
    }

    public func isReserved(_ id: TokenID) -> Bool {
        id == pad || id == cls || id == sep || id == mask || id == unk
    }
}

/// The roles special tokens play, with the names tokenizers conventionally give them (BERT's `[MASK]`,
/// RoBERTa's `<mask>`), which is how a tokenizer.json alone is read when nothing else names them.
public enum SpecialTokenRole: String, CaseIterable, Sendable {
    case pad, cls, sep, mask, unk

    public var conventionalNames: [String] {
        switch self {
        case .pad: ["[PAD]", "<pad>"]
        case .cls: ["[CLS]", "<cls>", "<s>"]
        case .sep: ["[SEP]", "<sep>", "</s>"]
        case .mask: ["[MASK]", "<mask>"]
        case .unk: ["[UNK]", "<unk>"]
        }
    }
}
