/// Character classes exactly as HF tokenizers 0.23.3 draws them. Its general categories come from tables
/// older than Swift's (Unicode 8-era), so punctuation, marks and controls added since would be classed
/// differently; the tables in HFUnicodeTables.swift were probed from HF itself.
enum HFUnicodeTables {
    /// Whether `value` falls in one of the closed ranges of a flat, sorted [low, high, low, high...] table.
    static func contains(_ table: [UInt32], _ value: UInt32) -> Bool {
        var low = 0, high = table.count / 2
        while low < high {
            let mid = (low + high) / 2
            if value < table[2 * mid] {
                high = mid
            } else if value > table[2 * mid + 1] {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }
}

enum HFUnicode {
    /// Rust's `char::is_whitespace` (White_Space), which Swift's property matches.
    @inline(__always) static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (0x09...0x0D).contains(v) }
        return s.properties.isWhitespace
    }

    /// BertNormalizer's `is_control` (which also covers format and private-use characters, and U+FFFD, and
    /// U+0000): what clean_text deletes.
    @inline(__always) static func isCleanTextRemoved(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v < 0x20 ? !(v == 0x09 || v == 0x0A || v == 0x0D) : v == 0x7F }
        return HFUnicodeTables.contains(HFUnicodeTables.cleanTextRemoved, v)
    }

    /// BertPreTokenizer's punctuation: every ASCII punctuation or symbol character, plus Unicode P*.
    @inline(__always) static func isBertPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v)
                || (0x7B...0x7E).contains(v)
        }
        return HFUnicodeTables.contains(HFUnicodeTables.bertPunctuation, v)
    }

    @inline(__always) static func isNonspacingMark(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x300 && HFUnicodeTables.contains(HFUnicodeTables.nonspacingMark, s.value)
    }

    /// The Whitespace pre-tokenizer's `\w`.
    @inline(__always) static func isWhitespaceWord(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) || v == 0x5F
        }
        return HFUnicodeTables.contains(HFUnicodeTables.whitespaceWord, v)
    }

    /// BertNormalizer's `is_chinese_char`: the CJK ideograph blocks (not kana, hangul or CJK punctuation).
    static func isCJKIdeograph(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
