import Foundation

/// Reads a VoIP.ms "SMS URL callback": the request VoIP.ms makes, for each SMS or MMS a DID
/// receives, to the URL set in the DID's SMS/MMS settings with its placeholders filled in, e.g.
///
/// ```
/// https://relay.example/voipms/<token>?to={TO}&from={FROM}&message={MESSAGE}&id={ID}&date={TIMESTAMP}&media={MEDIA}
/// ```
///
/// The body given here is that query string (or the same fields posted as a form). The names
/// are the ones the URL chooses; these are read: `id`, `from`, `to`, `message` (or `text`,
/// `body`), `date` (or `timestamp`) and `media`, a comma-separated list of URLs. Pairs may be
/// separated by `;` instead of `&`. A placeholder VoIP.ms left unfilled (`{MEDIA}`) counts as
/// absent. VoIP.ms serves the United States and Canada and writes their numbers as ten digits;
/// such a number is kept with its country code (`2066418000` becomes `12066418000`), as every
/// other carrier writes it, so that routes, contacts and reply addresses are the same whichever
/// carrier a number is with. Other numbers (short codes) are kept as given.
///
/// VoIP.ms's separate JSON "webhook" is not read: its format is not in VoIP.ms's documentation,
/// and a JSON body is refused with a hint to use the URL callback.
///
/// As for Flowroute, a callback is refused only when it cannot become an email: no `id`, no `from`.
public enum VoipmsParser {
    /// The carrier name recorded on every message this parser returns.
    public static let carrier = Carrier.voipms.rawValue

    /// The most media items kept per MMS.
    public static let maximumMediaItems = 10

    static let bodyFields = ["message", "text", "body"]
    static let dateFields = ["date", "timestamp"]

    /// Parses one callback.
    ///
    /// - Parameters:
    ///   - body: The callback URL's query string, or a form-encoded body with the same fields.
    ///   - receivedAt: When the callback arrived; the message time when `date` cannot be read.
    public static func read(_ body: some Collection<UInt8>, receivedAt: Date) throws(PayloadError) -> ParsedCallback {
        let bytes = Array(body)
        if let first = bytes.first(where: { !Self.isBlank($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            throw .unknownShape(
                "a JSON body: VoIP.ms's JSON webhook is not supported; set the DID's SMS URL callback to "
                    + "…?to={TO}&from={FROM}&message={MESSAGE}&id={ID}&date={TIMESTAMP}&media={MEDIA}"
            )
        }
        // `;` separates pairs only in a query that has no `&`: a text may hold a raw `;`.
        let separators: Set<UInt8> = bytes.contains(UInt8(ascii: "&")) ? [UInt8(ascii: "&")] : [UInt8(ascii: "&"), UInt8(ascii: ";")]
        let form = FormFields(parsing: bytes, separators: separators)
        let filled = FormFields(form.fields.filter { !isPlaceholder($0.value) })
        if filled.isEmpty {
            throw .unknownShape("expected VoIP.ms's SMS URL callback fields (to, from, message, id, date, media)")
        }
        let fields = filled.reader
        var notices: [ParseNotice] = []

        let id = try fields.identifier("id")
        let from = northAmerican(try fields.phoneNumber("from"))
        let message = InboundMessage(
            carrier: carrier,
            id: id,
            from: from,
            to: northAmerican(fields.optionalPhoneNumber("to", notices: &notices) ?? ""),
            body: fields.text(anyOf: bodyFields) ?? "",
            receivedAt: time(fields, receivedAt: receivedAt, notices: &notices),
            media: media(fields, notices: &notices)
        )
        return ParsedCallback(event: .message(message), notices: notices)
    }

    /// Ten digits, a North American number without its country code, with `1` before them;
    /// anything else as it is.
    static func northAmerican(_ number: String) -> String {
        number.utf8.count == 10 && number.utf8.allSatisfy { (0x30...0x39).contains($0) } ? "1" + number : number
    }

    /// `{MEDIA}`, `{TIMESTAMP}`, …: a placeholder VoIP.ms did not fill.
    static func isPlaceholder(_ value: String) -> Bool {
        let trimmed = value.trimmingBlanks()
        return trimmed.count >= 3 && trimmed.hasPrefix("{") && trimmed.hasSuffix("}")
            && trimmed.dropFirst().dropLast().allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") }
    }

    /// `media`: URLs separated by commas (or white space).
    static func media(_ fields: JSONObjectReader, notices: inout [ParseNotice]) -> [MediaItem] {
        guard let list = fields.text("media") else { return [] }
        var seen: Set<String> = []
        var items: [MediaItem] = []
        for url in list.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init) where seen.insert(url).inserted {
            items.append(MediaItem(url: url, fileName: BandwidthCallback.fileName(of: url)))
        }
        if items.count > maximumMediaItems {
            notices.append(ParseNotice(field: "media", "\(items.count) media items; only the first \(maximumMediaItems) are kept"))
            items = Array(items.prefix(maximumMediaItems))
        }
        return items
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
