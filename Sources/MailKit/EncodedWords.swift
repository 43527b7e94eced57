/// RFC 2047 encoded words (`=?charset?B?…?=`, `=?charset?Q?…?=`) in received header values.
enum EncodedWords {
    /// `value` with its encoded words decoded.
    ///
    /// White space between two adjacent encoded words is dropped (RFC 2047 §6.2). Adjacent words
    /// in the same charset are decoded together, so a character split across two words (which
    /// some mailers write) comes out whole. Words inside other text are decoded too; a malformed
    /// or unterminated word is left as written. Runs in time linear in the value's length.
    static func decode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard bytes.count >= 8, value.contains("=?") else { return value }
        var output = ""
        var pending: (charset: Charset, bytes: [UInt8])?
        var literalStart = 0
        var index = 0

        func flushPending() {
            if let pending { output += pending.charset.decode(pending.bytes) }
            pending = nil
        }

        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "="), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "?"),
                let word = word(in: bytes, at: index)
            else {
                index += 1
                continue
            }
            let between = bytes[literalStart..<index]
            if pending == nil || !between.allSatisfy(isWhiteSpace) {
                flushPending()
                // Cut at ASCII `=` positions, so the slice is whole UTF-8.
                output += String(decoding: between, as: UTF8.self)
            }
            if pending?.charset == word.charset {
                pending?.bytes += word.bytes
            } else {
                flushPending()
                pending = (word.charset, word.bytes)
            }
            index = word.end
            literalStart = index
        }
        flushPending()
        output += String(decoding: bytes[literalStart...], as: UTF8.self)
        return output
    }

    /// The encoded word starting at `start` (at its `=?`): its charset, decoded bytes and the
    /// index just past its `?=`; nil when what starts there is not a well-formed word.
    private static func word(in bytes: [UInt8], at start: Int) -> (charset: Charset, bytes: [UInt8], end: Int)? {
        let question = UInt8(ascii: "?")
        // charset: up to the next `?`, short and without white space.
        var index = start + 2
        while index < bytes.count, bytes[index] != question {
            if isWhiteSpace(bytes[index]) || index - start > 80 { return nil }
            index += 1
        }
        guard index > start + 2, index + 2 < bytes.count, bytes[index + 2] == question else { return nil }
        let charset = Charset(named: String(decoding: bytes[(start + 2)..<index], as: UTF8.self))
        let encoding = bytes[index + 1] | 0x20  // lower case
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        // encoded text: up to the next `?`, which must be followed by `=`.
        let textStart = index + 3
        index = textStart
        while index < bytes.count, bytes[index] != question {
            if isWhiteSpace(bytes[index]) { return nil }
            index += 1
        }
        guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "=") else { return nil }
        let text = bytes[textStart..<index]
        let decoded: [UInt8]
        if encoding == UInt8(ascii: "b") {
            guard Base64.isStrictText(text) else { return nil }
            decoded = Base64.decode(text)
        } else {
            decoded = decodeQ(text)
        }
        return (charset, decoded, index + 2)
    }

    /// The `Q` encoding: quoted-printable where `_` is a space; a stray `=` is kept.
    private static func decodeQ(_ text: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let byte = text[index]
            if byte == UInt8(ascii: "_") {
                output.append(0x20)
            } else if byte == UInt8(ascii: "="), index + 2 < text.endIndex,
                let high = QuotedPrintable.hexValue(text[index + 1]), let low = QuotedPrintable.hexValue(text[index + 2])
            {
                output.append(high << 4 | low)
                index += 3
                continue
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }
}
