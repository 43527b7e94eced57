extension Mailbox {
    /// Parses one mailbox as a person would write it in a configuration file:
    /// `name@example.com`, `Display Name <name@example.com>`, `"Quoted, Name" <name@example.com>`
    /// or `<name@example.com>`.
    ///
    /// The address must be plain ASCII `local@domain` (dot-atom local part, host-name domain);
    /// quoted local parts, domain literals, comments and group syntax are not accepted.
    /// - Throws: ``MailKitError`` with code ``MailKitError/Code/invalidAddress`` for anything else,
    ///   including control characters anywhere and spaces inside the address.
    public init(parsing text: String) throws {
        if text.unicodeScalars.contains(where: HeaderText.isControl) {
            throw MailKitError(
                .invalidAddress,
                "\(HeaderText.quotedForMessage(text)) contains a control character (such as a line break); "
                    + "expected name@domain or Name <name@domain>"
            )
        }
        let trimmed = Substring(text).trimmingSpaces()
        guard trimmed.hasSuffix(">") else {
            try Self.validateAddress(trimmed, in: text)
            self.init(displayName: nil, address: String(trimmed))
            return
        }
        guard let open = Self.angleAddressStart(in: trimmed) else {
            throw Self.notAMailbox(text)
        }
        let address = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
        try Self.validateAddress(address, in: text)
        let phrase = trimmed[..<open].trimmingSpaces()
        self.init(displayName: try Self.displayName(from: phrase, in: text), address: String(address))
    }

    /// Parses a comma-separated list of mailboxes, each in a form ``init(parsing:)`` accepts.
    /// Commas inside a quoted display name do not split; empty elements are skipped.
    /// - Throws: ``MailKitError`` (``MailKitError/Code/invalidAddress``) for the first bad element,
    ///   or when the list names no mailbox at all.
    public static func list(parsing text: String) throws -> [Mailbox] {
        var mailboxes: [Mailbox] = []
        for element in splitList(text) where !element.trimmingSpaces().isEmpty {
            mailboxes.append(try Mailbox(parsing: String(element)))
        }
        guard !mailboxes.isEmpty else {
            throw MailKitError(
                .invalidAddress,
                "\(HeaderText.quotedForMessage(text)) names no email address; "
                    + "expected name@domain or Name <name@domain>, separated by commas"
            )
        }
        return mailboxes
    }

    /// The domain of ``address``: what follows its last `@`; nil when there is none.
    public var domain: String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty ? nil : String(domain)
    }

    // MARK: - Pieces

    private static func notAMailbox(_ text: String) -> MailKitError {
        MailKitError(
            .invalidAddress,
            "\(HeaderText.quotedForMessage(text)) is not an email address; "
                + "expected name@domain or Name <name@domain>"
        )
    }

    /// Checks `local@domain` with an ASCII dot-atom local part and a host-name domain.
    private static func validateAddress(_ address: Substring, in text: String) throws {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last,
            local.utf8.count <= 64, HeaderText.isDotAtomText(local),
            domain.utf8.count <= 253, isHostName(domain)
        else {
            throw notAMailbox(text)
        }
    }

    /// Dot-separated labels of ASCII letters, digits and inner hyphens.
    private static func isHostName(_ domain: Substring) -> Bool {
        let labels = domain.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-")
            else { return false }
            return label.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
        }
    }

    /// The `<` that opens the trailing angle address: the last one outside a quoted string.
    private static func angleAddressStart(in text: Substring) -> Substring.Index? {
        var inQuotes = false
        var escaped = false
        var open: Substring.Index?
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if inQuotes && character == "\\" {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if !inQuotes && character == "<" {
                open = index
            }
        }
        return inQuotes ? nil : open
    }

    /// The display name before `<address>`: a quoted string (unescaped) or plain words.
    private static func displayName(from phrase: Substring, in text: String) throws -> String? {
        guard !phrase.isEmpty else { return nil }
        guard phrase.first == "\"" else {
            guard !phrase.contains(where: { "\"<>".contains($0) }) else { throw notAMailbox(text) }
            return String(phrase)
        }
        var name = ""
        var escaped = false
        var index = phrase.index(after: phrase.startIndex)
        while index < phrase.endIndex {
            let character = phrase[index]
            if escaped {
                name.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                // The closing quote must end the phrase.
                guard phrase.index(after: index) == phrase.endIndex else { throw notAMailbox(text) }
                return name.isEmpty ? nil : name
            } else {
                name.append(character)
            }
            index = phrase.index(after: index)
        }
        throw notAMailbox(text)  // no closing quote
    }

    /// Splits at commas that are outside quoted strings and angle brackets.
    static func splitList(_ text: String) -> [Substring] {
        var elements: [Substring] = []
        var start = text.startIndex
        forEachOutsideQuotesAndBrackets(in: text) { index in
            if text[index] == "," {
                elements.append(text[start..<index])
                start = text.index(after: index)
            }
            return true
        }
        elements.append(text[start...])
        return elements
    }

    /// The first `target` outside quoted strings and angle brackets.
    static func indexOutsideQuotesAndBrackets(of target: Character, in text: String) -> String.Index? {
        var found: String.Index?
        forEachOutsideQuotesAndBrackets(in: text) { index in
            if text[index] == target { found = index }
            return found == nil
        }
        return found
    }

    /// Calls `visit` with the index of every character outside quoted strings (with their
    /// backslash escapes) and angle brackets, the quotes and brackets themselves left out, until
    /// `visit` returns false.
    private static func forEachOutsideQuotesAndBrackets(in text: String, _ visit: (String.Index) -> Bool) {
        var inQuotes = false
        var escaped = false
        var angleDepth = 0
        for index in text.indices {
            let character = text[index]
            if escaped {
                escaped = false
            } else if inQuotes {
                if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "<" {
                angleDepth += 1
            } else if character == ">" {
                angleDepth = max(0, angleDepth - 1)
            } else if angleDepth == 0, !visit(index) {
                return
            }
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
