extension MessageID {
    /// The message ids in a received Message-ID, In-Reply-To or References value, in order and
    /// without angle brackets: each `<…>` (white space inside it dropped), or, when the value
    /// has no `<` at all, each word (some mailers leave the brackets out).
    static func list(in value: String) -> [String] {
        guard value.contains("<") else {
            return value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        }
        var ids: [String] = []
        var current: String?
        for character in value {
            if character == "<" {
                current = ""
            } else if character == ">" {
                if let id = current, !id.isEmpty { ids.append(id) }
                current = nil
            } else if character != " ", character != "\t" {
                current?.append(character)
            }
        }
        return ids
    }
}
