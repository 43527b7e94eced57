extension HeaderField {
    /// Appends an address list (`From`, `To`): `Name <address>` or `address`, comma-separated,
    /// folding between mailboxes and inside long display names.
    ///
    /// Control characters in names and addresses are replaced by spaces first, so no value can
    /// end the line. A display name made of plain ASCII words is written as is; other ASCII
    /// names become a quoted string (`"` and `\` escaped); non-ASCII or very long names become
    /// RFC 2047 encoded words.
    mutating func append(mailboxes: [Mailbox]) {
        for (position, mailbox) in mailboxes.enumerated() {
            let separator = position < mailboxes.count - 1 ? "," : ""
            let address = HeaderText.neutralisingControls(mailbox.address)
            let name = mailbox.displayName.map(HeaderText.neutralisingControls)?.trimmingSpaces() ?? ""
            if name.isEmpty {
                append(word: address + separator)
                continue
            }
            append(displayName: name)
            append(word: "<" + address + ">" + separator)
        }
    }

    private mutating func append(displayName name: String) {
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        if words.allSatisfy(Self.isPlainAtom) {
            for word in words { append(word: String(word)) }
            return
        }
        let isPrintableASCII = name.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        let quoted = Self.quotedString(name)
        if isPrintableASCII, quoted.utf8.count <= Self.preferredLineLength - 2 {
            append(word: quoted)
        } else {
            append(encodedWordsFor: name)
        }
    }

    /// An RFC 5322 atom that no decoder would take for an encoded word.
    private static func isPlainAtom(_ word: Substring) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy(HeaderText.isAtext) && !word.contains("=?")
    }

    /// RFC 5322 `quoted-string`: `"` + text with `\` and `"` escaped + `"`.
    static func quotedString(_ value: String) -> String {
        var result = "\""
        for character in value {
            if character == "\\" || character == "\"" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }
}

extension String {
    /// Without leading and trailing spaces.
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
