/// The line a mail client writes above the text it quotes: `On <date>, <name> <address> wrote:`,
/// in the languages of the common clients, and in any other when it ends in `<address>:`.
enum ReplyAttribution {
    struct Match: Equatable {
        /// 1, or 2 when the client wrapped the attribution over two lines.
        var lineCount: Int
        /// Whether the line counts as an attribution only when `>` lines follow it: a bare
        /// `Ann wrote:`, one without a date, or one in another language that ends in a colon
        /// after an address could also be the person's own sentence.
        var needsQuote: Bool
    }

    /// The first word of the attribution and its verb, lowercased, in each language.
    static let languages: [(opener: String, verb: String)] = [
        ("on", "wrote"),  // On Wed, Nov 25, 2026 at 6:30 AM Ann <ann@example.com> wrote:
        ("am", "schrieb"),  // Am 25.11.2026 um 06:30 schrieb Ann <ann@example.com>:
        ("le", "a écrit"),  // Le 25 nov. 2026 à 06:30, Ann <ann@example.com> a écrit :
        ("el", "escribió"),  // El mié, 25 nov 2026 a las 6:30, Ann (<ann@example.com>) escribió:
        ("il", "ha scritto"),  // Il giorno mer 25 nov 2026 alle ore 06:30 Ann <ann@example.com> ha scritto:
        ("op", "schreef"),  // Op wo 25 nov. 2026 om 06:30 schreef Ann <ann@example.com>:
        ("em", "escreveu"),  // Em qua., 25 de nov. de 2026 às 06:30, Ann <ann@example.com> escreveu:
        ("den", "skrev"),  // Den ons 25 nov. 2026 kl 06:30 skrev Ann <ann@example.com>:
    ]

    /// The longest attribution taken for one, in characters: a date, a name and an address.
    static let maximumLength = 300

    /// The attribution starting at `lines[index]`, if one does.
    static func match(_ lines: [Substring], at index: Int) -> Match? {
        let first = normalised(lines[index])
        if let match = match(phrase: first) { return Match(lineCount: 1, needsQuote: match) }
        // Wrapped: the first line opens a dated attribution and the next one ends it. The next
        // one must not be a whole dated attribution itself: the first would then be the person's.
        guard index + 1 < lines.count, !lines[index + 1].isEmpty, !first.hasSuffix(":"),
            first.contains(where: \.isNumber), languages.contains(where: { first.hasPrefix($0.opener + " ") })
        else { return nil }
        let second = normalised(lines[index + 1])
        guard match(phrase: second) != false, match(phrase: first + " " + second) == false else { return nil }
        return Match(lineCount: 2, needsQuote: false)
    }

    /// Whether `phrase` (normalised) is an attribution: `false` for a dated one in one of the
    /// ``languages``, `true` for one that needs a quote after it, `nil` for none.
    private static func match(phrase: String) -> Bool? {
        guard phrase.count <= maximumLength, phrase.hasSuffix(":") || phrase.hasSuffix("：") else { return nil }
        let body = String(phrase.dropLast().reversed().drop(while: { $0 == " " }).reversed())
        let dated = body.contains(where: \.isNumber)
        for (opener, verb) in languages {
            if dated, body.hasPrefix(opener + " "), body.hasSuffix(" " + verb) || body.contains(" " + verb + " ") {
                return false
            }
        }
        if languages.contains(where: { body.hasSuffix(" " + $0.verb) }) { return true }
        // Any other language: a line ending in a colon that names an address
        // (`2026年11月25日(水) 6:30 Ann <ann@example.com>:`), when a quote follows.
        return hasAddress(body) ? true : nil
    }

    /// Whether `phrase` holds something like `name@domain`.
    private static func hasAddress(_ phrase: String) -> Bool {
        phrase.split(separator: " ").contains { word in
            let parts = word.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && parts.allSatisfy { $0.contains(where: { $0.isLetter || $0.isNumber }) }
        }
    }

    /// `line` lowercased, with each run of whitespace (no-break spaces included) one space.
    private static func normalised(_ line: Substring) -> String {
        line.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
