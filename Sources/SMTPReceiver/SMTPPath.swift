/// A reverse-path or forward-path in angle brackets (RFC 5321 §4.1.2), checked enough to be
/// handed to the delegate: `local@domain`, `<>` for MAIL, `<postmaster>` for RCPT.
///
/// Source routes (`<@relay:user@domain>`) are refused: this server relays nothing. Non-ASCII is
/// allowed here; whether the transaction declared SMTPUTF8 is the state machine's to check.
struct SMTPPath: Sendable, Equatable {
    /// The address without its brackets; empty for `<>`.
    let address: String
    /// Where the text after the closing `>` begins.
    let end: Substring.Index

    struct Problem: Error, Equatable {
        let text: String
    }

    /// RFC 5321 §4.5.3.1: 64 octets of local part, 255 of domain, 256 of path.
    static let maximumLocalPart = 64
    static let maximumDomain = 255
    static let maximumPath = 256

    static func parse(_ text: Substring, allowsEmpty: Bool) -> Result<SMTPPath, Problem> {
        guard text.first == "<" else {
            return .failure(Problem(text: "Address must be in angle brackets: <user@example.org>"))
        }
        // Find the closing bracket outside a quoted local part.
        var quoted = false
        var escaped = false
        var close: Substring.Index?
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" && quoted {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ">" && !quoted {
                close = index
                break
            }
            index = text.index(after: index)
        }
        guard let close else {
            return .failure(Problem(text: "Address has no closing angle bracket"))
        }
        let inside = text[text.index(after: text.startIndex)..<close]
        let end = text.index(after: close)
        if inside.isEmpty {
            return allowsEmpty
                ? .success(SMTPPath(address: "", end: end))
                : .failure(Problem(text: "Empty recipient address"))
        }
        if inside.first == "@" {
            return .failure(Problem(text: "Source routes are not accepted"))
        }
        if let problem = check(inside, allowsPostmaster: !allowsEmpty) {
            return .failure(problem)
        }
        return .success(SMTPPath(address: String(inside), end: end))
    }

    private static func check(_ address: Substring, allowsPostmaster: Bool) -> Problem? {
        guard address.utf8.count <= maximumPath else {
            return Problem(text: "Path too long")
        }
        guard address.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value != 127 }) else {
            return Problem(text: "Address contains control characters")
        }
        guard let at = address.lastIndex(of: "@") else {
            if allowsPostmaster, address.lowercased() == "postmaster" { return nil }
            return Problem(text: "Address must be user@domain")
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else {
            return Problem(text: "Address must be user@domain")
        }
        guard local.utf8.count <= maximumLocalPart, domain.utf8.count <= maximumDomain else {
            return Problem(text: "Path too long")
        }
        let isQuoted = local.count >= 2 && local.first == "\"" && local.last == "\""
        guard isQuoted || !local.contains(where: { " \"<>()[],;:\\@".contains($0) }) else {
            return Problem(text: "Bad local part in address")
        }
        if domain.first == "[" {
            guard domain.last == "]", domain.count > 2 else { return Problem(text: "Bad address literal") }
            return nil
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let goodLabels = labels.allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || !$0.isASCII }
        }
        return goodLabels ? nil : Problem(text: "Bad domain in address")
    }
}
