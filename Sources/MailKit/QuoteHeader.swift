/// The lines that start an original quoted without `>`, as Outlook and forwards write it: a
/// separator (`-----Original Message-----`), a forwarded-message marker, or a header block
/// (`From:`, `Sent:`, `To:`, `Subject:`), with the rule Outlook draws above it.
enum QuoteHeader {
    /// The words between the dashes of a separator, lowercased: Outlook's original message and
    /// the forwarded-message lines of Gmail and Thunderbird, in the languages of the attributions.
    static let separatorPhrases: Set<String> = [
        "original message", "ursprüngliche nachricht", "message d'origine", "mensaje original",
        "messaggio originale", "oorspronkelijk bericht", "mensagem original", "ursprungligt meddelande",
        "originalmeddelande",
        "forwarded message", "weitergeleitete nachricht", "message transféré", "mensaje reenviado",
        "messaggio inoltrato", "doorgestuurd bericht", "mensagem encaminhada", "vidarebefordrat meddelande",
    ]

    /// Apple Mail's line above a forwarded message, lowercased, without a space before the colon.
    static let forwardIntroductions: Set<String> = [
        "begin forwarded message:", "anfang der weitergeleiteten nachricht:", "début du message réexpédié:",
        "inicio del mensaje reenviado:", "inizio messaggio inoltrato:", "begin doorgestuurd bericht:",
        "início da mensagem reencaminhada:",
    ]

    /// The header labels of a quoted header block, lowercased: who it was from, when it was
    /// sent, and to whom or about what.
    static let fromLabels: Set<String> = ["from", "von", "de", "da", "van", "från", "fra"]
    static let dateLabels: Set<String> = [
        "sent", "date", "gesendet", "datum", "envoyé", "enviado", "fecha", "inviato", "data", "verzonden",
        "skickat", "sendt",
    ]
    static let addressLabels: Set<String> = [
        "to", "cc", "subject", "an", "betreff", "à", "a", "objet", "para", "asunto", "oggetto", "aan",
        "onderwerp", "assunto", "till", "ämne", "til", "emne",
    ]

    /// The most lines a header block is read over: a long `To:` wraps.
    static let headerBlockLines = 10

    /// Whether `lines[index]` starts an original that is not marked with `>`.
    static func startsOriginal(_ lines: [Substring], at index: Int) -> Bool {
        let line = lines[index]
        if isSeparator(line) || isForwardIntroduction(line) || isHeaderBlock(lines, at: index) { return true }
        // Outlook's rule (a row of underscores) above the header block.
        guard isRule(line), let next = lines[(index + 1)...].firstIndex(where: { !$0.isEmpty }) else { return false }
        return isHeaderBlock(lines, at: next)
    }

    /// `-----Original Message-----`, `---------- Forwarded message ---------` and their translations.
    static func isSeparator(_ line: Substring) -> Bool {
        let trimmed = line.drop(while: \.isWhitespace)
        guard trimmed.hasPrefix("--") else { return false }
        let core = trimmed.drop(while: { $0 == "-" || $0.isWhitespace })
            .reversed().drop(while: { $0 == "-" || $0.isWhitespace }).reversed()
        return separatorPhrases.contains(String(core).lowercased())
    }

    /// `Begin forwarded message:` and its translations.
    static func isForwardIntroduction(_ line: Substring) -> Bool {
        var phrase = line.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if phrase.hasSuffix(" :") { phrase.remove(at: phrase.index(phrase.endIndex, offsetBy: -2)) }
        return forwardIntroductions.contains(phrase)
    }

    /// A `From:` line followed, before a blank line, by a date line and a recipient or subject line.
    static func isHeaderBlock(_ lines: [Substring], at index: Int) -> Bool {
        guard let first = label(lines[index]), fromLabels.contains(first) else { return false }
        var dated = false
        var addressed = false
        for line in lines[(index + 1)..<min(lines.count, index + headerBlockLines)] {
            if line.isEmpty { break }
            guard let label = label(line) else { continue }
            dated = dated || dateLabels.contains(label)
            addressed = addressed || addressLabels.contains(label)
        }
        return dated && addressed
    }

    /// A row of at least ten underscores.
    static func isRule(_ line: Substring) -> Bool {
        let trimmed = line.drop(while: \.isWhitespace)
        return trimmed.count >= 10 && trimmed.allSatisfy { $0 == "_" }
    }

    /// The label of a header line (`From: …`, `*Sent:* …`, `De : …`), lowercased.
    static func label(_ line: Substring) -> String? {
        guard let colon = line.firstIndex(of: ":") else { return nil }
        let label = line[..<colon].filter { $0 != "*" }.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !label.isEmpty, label.count <= 20 else { return nil }
        return label.lowercased()
    }
}
