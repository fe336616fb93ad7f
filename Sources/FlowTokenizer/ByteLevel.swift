/// GPT-2's reversible byte <-> printable character map: printable Latin-1 bytes stand for themselves, the
/// other 68 bytes are shifted to U+0100... so every byte sequence becomes a string of visible characters.
enum ByteLevel {
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var shifted: UInt32 = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(shifted) ?? " "
                shifted += 1
            }
        }
        return table
    }()

    /// Scalar value -> byte, for the 256 scalars of the map; -1 elsewhere. Indexed by scalar value < 512.
    static let scalarToByte: [Int16] = {
        var table = [Int16](repeating: -1, count: 512)
        for (byte, scalar) in byteToScalar.enumerated() { table[Int(scalar.value)] = Int16(byte) }
        return table
    }()

    static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = Int(scalar.value)
        guard v < 512, scalarToByte[v] >= 0 else { return nil }
        return UInt8(scalarToByte[v])
    }

    /// The byte-level spelling of UTF-8 bytes.
    static func string(forBytes bytes: some Sequence<UInt8>) -> String {
        var view = String.UnicodeScalarView()
        for b in bytes { view.append(byteToScalar[Int(b)]) }
        return String(view)
    }

    /// The bytes a token stands for: its characters mapped back through the table when every one of them
    /// is in it, otherwise its own UTF-8 (how HF's ByteLevel decoder treats added tokens such as "[CLS]").
    static func bytes(forToken token: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(token.utf8.count)
        for scalar in token.unicodeScalars {
            guard let b = byte(for: scalar) else { return Array(token.utf8) }
            out.append(b)
        }
        return out
    }
}
