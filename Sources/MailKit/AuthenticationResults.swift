import Foundation

/// One `Authentication-Results` header field (RFC 8601): which server checked the message and
/// what each method (`spf`, `dkim`, `dmarc`, …) found.
///
/// Anyone can write such a field into a message, so its verdicts mean something only when
/// ``authservID`` is the id of a server the reader trusts, one that removes fields carrying its
/// id from the mail it receives (OpenDKIM, OpenDMARC and rspamd can).
public struct AuthenticationResults: Sendable, Equatable {
    /// The id of the server that added the field, lowercased: usually its host name.
    public var authservID: String
    /// Each method's result, lowercased, in the field's order: `("dkim", "pass")`.
    public var results: [(method: String, result: String)]

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.authservID == rhs.authservID && lhs.results.map(\.method) == rhs.results.map(\.method)
            && lhs.results.map(\.result) == rhs.results.map(\.result)
    }

    /// Reads a field's value; nil when it has no authserv-id.
    public init?(parsing value: String) {
        let statements = Self.withoutComments(value).split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let first = statements.first,
              let id = first.split(whereSeparator: \.isWhitespace).first, !id.isEmpty
        else { return nil }
        authservID = id.lowercased()
        results = statements.dropFirst().compactMap { statement in
            // `method[/version]=result` and then properties (`header.d=…`), which are not needed.
            guard let word = statement.split(whereSeparator: \.isWhitespace).first,
                  let equals = word.firstIndex(of: "=")
            else { return nil }
            let method = word[..<equals].split(separator: "/").first.map { $0.lowercased() } ?? ""
            let result = word[word.index(after: equals)...].lowercased()
            guard !method.isEmpty, !result.isEmpty else { return nil }
            return (method, result)
        }
    }

    /// The results of `method`, in order.
    public func results(of method: String) -> [String] {
        results.filter { $0.method == method }.map(\.result)
    }

    /// The value with `(comments)` taken out, quoted strings kept as written.
    private static func withoutComments(_ value: String) -> String {
        var output = ""
        var depth = 0
        var quoted = false
        var escaped = false
        for character in value {
            if escaped {
                escaped = false
                if depth == 0 { output.append(character) }
                continue
            }
            switch character {
            case "\\":
                escaped = true
                if depth == 0 { output.append(character) }
            case "\"" where depth == 0:
                quoted.toggle()
                output.append(character)
            case "(" where !quoted:
                depth += 1
            case ")" where !quoted && depth > 0:
                depth -= 1
                if depth == 0 { output.append(" ") }
            default:
                if depth == 0 { output.append(character) }
            }
        }
        return output
    }
}

extension ReceivedEmail {
    /// The `Authentication-Results` fields added by the server whose authserv-id is `id` (any
    /// case); those of any other server are left out, since anyone can write them.
    public func authenticationResults(by id: String) -> [AuthenticationResults] {
        headers.filter { $0.isNamed("Authentication-Results") }
            .compactMap { AuthenticationResults(parsing: $0.value) }
            .filter { $0.authservID == id.lowercased() }
    }
}
