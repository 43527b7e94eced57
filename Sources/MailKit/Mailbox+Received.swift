extension Mailbox {
    /// The mailboxes of a received address field (`From`, `To`), best effort: each element
    /// that ``init(parsing:)`` accepts once comments and group syntax are taken off, the others
    /// left out. Display names have their encoded words decoded; an old-style comment
    /// (`ann@example.com (Ann)`) is the display name when there is no other.
    static func receivedList(_ field: String) -> [Mailbox] {
        var mailboxes: [Mailbox] = []
        for element in splitList(HeaderText.neutralisingControls(field)) {
            var (rest, comment) = withoutComments(element)
            if let colon = indexOutsideQuotesAndBrackets(of: ":", in: rest) { rest = String(rest[rest.index(after: colon)...]) }
            if rest.hasSuffix(";") { rest.removeLast() }
            guard !rest.allSatisfy({ $0 == " " }), var mailbox = try? Mailbox(parsing: rest) else { continue }
            let name = mailbox.displayName ?? comment
            mailbox.displayName = name.map { Self.decodedName($0) }.flatMap { $0.isEmpty ? nil : $0 }
            mailboxes.append(mailbox)
        }
        return mailboxes
    }

    private static func decodedName(_ name: String) -> String {
        let decoded = HeaderText.neutralisingControls(EncodedWords.decode(name))
        return String(decoded.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    /// `text` without its `( … )` comments (outside quoted strings, nesting allowed), and the
    /// first comment's content.
    private static func withoutComments(_ text: Substring) -> (String, String?) {
        guard text.contains("(") else { return (String(text), nil) }
        var rest = ""
        var comment = ""
        var firstComment: String?
        var depth = 0
        var inQuotes = false
        var escaped = false
        for character in text {
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if depth == 0, character == "\"" {
                inQuotes.toggle()
            } else if !inQuotes, character == "(" {
                depth += 1
                if depth == 1 { continue }
            } else if !inQuotes, depth > 0, character == ")" {
                depth -= 1
                if depth == 0 {
                    if firstComment == nil { firstComment = comment }
                    comment = ""
                    rest.append(" ")
                    continue
                }
            }
            if depth > 0 { comment.append(character) } else { rest.append(character) }
        }
        return (rest, firstComment)
    }
}
