/// A command line a client sent, as far as its syntax goes (RFC 5321 §4.1). Verbs are matched
/// without regard to case; what the command means where the conversation is, is the state
/// machine's to decide.
enum SMTPServerCommand: Sendable, Equatable {
    case hello(domain: String, extended: Bool)
    /// `MAIL FROM:<reverse-path> parameters`; the path is empty for `<>`.
    case mail(reversePath: String, parameters: [SMTPParameter])
    case recipient(forwardPath: String, parameters: [SMTPParameter])
    case data
    case reset
    case noop
    case quit
    case verify
    case help
    case startTLS
    case auth
    /// A command of RFC 5321 this server does not do (EXPN, TURN, …).
    case notImplemented

    /// What a line is: a command, a command with bad syntax (and why), or no command at all.
    enum Parsed: Sendable, Equatable {
        case command(SMTPServerCommand)
        case syntaxError(String)
        case unrecognised
    }

    static func parse(_ line: String) -> Parsed {
        let verbEnd = line.firstIndex(of: " ") ?? line.endIndex
        let verb = line[..<verbEnd].uppercased()
        let argument = line[verbEnd...].drop { $0 == " " }
        let bare = argument.isEmpty
        switch verb {
        case "EHLO", "HELO":
            guard !bare, !argument.contains(" "), argument.unicodeScalars.allSatisfy({ $0.value > 32 && $0.value != 127 }) else {
                return .syntaxError("\(verb) needs one argument: your host name or address literal")
            }
            return .command(.hello(domain: String(argument), extended: verb == "EHLO"))
        case "MAIL":
            return parsePath(argument, prefix: "FROM:", command: "MAIL FROM", allowsEmpty: true).map { .mail(reversePath: $0, parameters: $1) }
        case "RCPT":
            return parsePath(argument, prefix: "TO:", command: "RCPT TO", allowsEmpty: false).map { .recipient(forwardPath: $0, parameters: $1) }
        case "DATA", "RSET", "QUIT", "STARTTLS":
            guard bare else { return .syntaxError("\(verb) takes no argument") }
            switch verb {
            case "DATA": return .command(.data)
            case "RSET": return .command(.reset)
            case "QUIT": return .command(.quit)
            default: return .command(.startTLS)
            }
        case "NOOP": return .command(.noop)
        case "HELP": return .command(.help)
        case "VRFY":
            return bare ? .syntaxError("VRFY needs an argument") : .command(.verify)
        case "AUTH": return .command(.auth)
        case "EXPN", "TURN", "ETRN", "BDAT": return .command(.notImplemented)
        default: return .unrecognised
        }
    }

    /// `FROM:<path> params` or `TO:<path> params`. A space after the colon is tolerated, as most
    /// servers do; a path without angle brackets is not.
    private static func parsePath(
        _ argument: Substring, prefix: String, command: String, allowsEmpty: Bool
    ) -> ParsedPath {
        guard argument.uppercased().hasPrefix(prefix) else {
            return .failure("Syntax: \(command):<address>")
        }
        let rest = argument.dropFirst(prefix.count).drop { $0 == " " }
        let path: SMTPPath
        switch SMTPPath.parse(rest, allowsEmpty: allowsEmpty) {
        case .success(let parsed): path = parsed
        case .failure(let problem): return .failure(problem.text)
        }
        let parameterText = rest[path.end...]
        guard parameterText.isEmpty || parameterText.first == " " else {
            return .failure("Syntax: \(command):<address> [parameters]")
        }
        var parameters: [SMTPParameter] = []
        for word in parameterText.split(separator: " ") {
            guard let parameter = SMTPParameter(word) else {
                return .failure("Bad parameter syntax")
            }
            guard !parameters.contains(where: { $0.keyword == parameter.keyword }) else {
                return .failure("Parameter \(parameter.keyword) given twice")
            }
            parameters.append(parameter)
        }
        return .success(path.address, parameters)
    }

    private enum ParsedPath {
        case success(String, [SMTPParameter])
        case failure(String)

        func map(_ make: (String, [SMTPParameter]) -> SMTPServerCommand) -> Parsed {
            switch self {
            case .success(let address, let parameters): .command(make(address, parameters))
            case .failure(let text): .syntaxError(text)
            }
        }
    }
}

/// An ESMTP parameter of MAIL or RCPT (`SIZE=1234`, `SMTPUTF8`), RFC 5321 §4.1.2 `esmtp-param`.
struct SMTPParameter: Sendable, Equatable {
    /// Upper-cased.
    let keyword: String
    let value: String?

    init(keyword: String, value: String?) {
        self.keyword = keyword
        self.value = value
    }

    init?(_ word: Substring) {
        let equals = word.firstIndex(of: "=")
        let keyword = word[..<(equals ?? word.endIndex)]
        guard let first = keyword.unicodeScalars.first, first.isASCIIAlphanumeric,
              keyword.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" })
        else { return nil }
        self.keyword = keyword.uppercased()
        if let equals {
            let value = word[word.index(after: equals)...]
            guard !value.isEmpty, value.unicodeScalars.allSatisfy({ $0.value > 32 && $0 != "=" && $0.value != 127 }) else {
                return nil
            }
            self.value = String(value)
        } else {
            self.value = nil
        }
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}
