extension Base64 {
    /// Decodes base64 as mail carries it, forgivingly: line breaks, white space and any other
    /// byte outside the alphabet are skipped; missing `=` padding is tolerated; a `=` ends the
    /// current group, so bodies made of several padded pieces decode piece by piece. A last
    /// group of a single character (which carries no whole byte) is dropped.
    static func decode(_ encoded: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count / 4 * 3 + 3)
        var group: UInt32 = 0
        var count = 0
        func flush() {
            // 2 characters carry 1 byte, 3 carry 2.
            if count >= 2 { output.append(UInt8(truncatingIfNeeded: group >> (count == 2 ? 4 : 10))) }
            if count == 3 { output.append(UInt8(truncatingIfNeeded: group >> 2)) }
            group = 0
            count = 0
        }
        for byte in encoded {
            if byte == UInt8(ascii: "=") {
                flush()
                continue
            }
            guard let value = sextet(byte) else { continue }
            group = group << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(truncatingIfNeeded: group >> 16))
                output.append(UInt8(truncatingIfNeeded: group >> 8))
                output.append(UInt8(truncatingIfNeeded: group))
                group = 0
                count = 0
            }
        }
        flush()
        return output
    }

    /// Whether `encoded` is made only of base64 characters and `=` (an RFC 2047 `B` word's text).
    static func isStrictText(_ encoded: some Collection<UInt8>) -> Bool {
        encoded.allSatisfy { $0 == UInt8(ascii: "=") || sextet($0) != nil }
    }

    /// The 6-bit value of a base64 character; nil for any other byte.
    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
