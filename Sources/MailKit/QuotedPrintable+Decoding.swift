extension QuotedPrintable {
    /// Decodes a quoted-printable body (RFC 2045 §6.7), forgivingly.
    ///
    /// `=XX` (either case of hex digit) is the byte; `=` at the end of a line, even with spaces
    /// or tabs after it, is a soft break with either CRLF or LF; any other `=` is kept as it is.
    /// Hard line breaks are kept as written. White space at the end of a line is kept too, though
    /// RFC 2045 lets a decoder drop it: `format=flowed` text relies on it.
    static func decode(_ encoded: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(encoded)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            if index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else if let next = softBreakEnd(in: bytes, after: index) {
                index = next
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// When the `=` at `index` is followed only by spaces or tabs up to a line break (or the
    /// end of the input), the index just past that break; otherwise nil.
    private static func softBreakEnd(in bytes: [UInt8], after index: Int) -> Int? {
        var next = index + 1
        while next < bytes.count, bytes[next] == 0x20 || bytes[next] == 0x09 { next += 1 }
        if next == bytes.count { return next }
        if bytes[next] == 0x0A { return next + 1 }
        if bytes[next] == 0x0D {
            return next + 1 < bytes.count && bytes[next + 1] == 0x0A ? next + 2 : next + 1
        }
        return nil
    }

    /// The value of a hexadecimal digit, upper or lower case.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
