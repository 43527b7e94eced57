/// What closes a reply without being part of it: the signature separator and the lines mobile
/// mail clients add on their own.
enum ReplySignature {
    /// `-- ` with its trailing space trimmed away, or `--` as some clients write it.
    static func isSeparator(_ line: Substring) -> Bool {
        line == "--"
    }

    /// How a mobile trailer line begins and, for those that need one, ends; lowercased.
    static let trailers: [(prefix: String, suffix: String)] = [
        ("sent from my ", ""),  // Sent from my iPhone, … my Samsung Galaxy smartphone.
        ("sent from outlook for ", ""),
        ("sent from yahoo mail ", ""),  // … for iPhone, … on Android
        ("sent from mail for windows", ""),
        ("sent from gmail mobile", ""),
        ("sent from proton mail ", ""),
        ("sent via ", ""),
        ("get outlook for ", ""),  // Get Outlook for iOS, … for Android
        ("von meinem ", " gesendet"),  // Von meinem iPhone gesendet
        ("gesendet von meinem ", ""),
        ("outlook für ", " herunterladen"),
        ("envoyé de mon ", ""),  // Envoyé de mon iPhone
        ("envoyé depuis mon ", ""),
        ("obtenir outlook pour ", ""),
        ("enviado desde mi ", ""),  // Enviado desde mi iPhone
        ("obtener outlook para ", ""),
        ("inviato da iphone", ""),
        ("inviato da ipad", ""),
        ("inviato dal mio ", ""),
        ("verzonden vanaf mijn ", ""),
        ("verstuurd vanaf mijn ", ""),
        ("verzonden met mijn ", ""),
        ("enviado do meu ", ""),  // Enviado do meu iPhone
        ("skickat från min ", ""),  // Skickat från min iPhone
    ]

    /// The longest line taken for a trailer, in characters: longer, it is a sentence of the
    /// person's. The longest trailers are carriers' (`Sent via the Samsung Galaxy S24, an AT&T 5G
    /// smartphone`).
    static let maximumTrailerLength = 60

    /// Whether `line`, alone, is a mobile client's trailer; a link after it (`Get Outlook for
    /// iOS<https://aka.ms/…>`) and a full stop at its end are allowed.
    static func isTrailer(_ line: Substring) -> Bool {
        var phrase = line.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if phrase.hasSuffix(">"), let link = phrase.lastIndex(of: "<") {
            phrase = String(phrase[..<link]).trimmingSuffix(" ")
        }
        if phrase.hasSuffix(".") { phrase.removeLast() }
        guard phrase.count <= maximumTrailerLength else { return false }
        return trailers.contains { phrase.hasPrefix($0.prefix) && phrase.hasSuffix($0.suffix) }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ character: Character) -> String {
        var result = self
        while result.last == character { result.removeLast() }
        return result
    }
}
