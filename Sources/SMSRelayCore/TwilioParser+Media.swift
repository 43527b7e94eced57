/// The media of an incoming Twilio MMS: `NumMedia` items, item *n* in `MediaUrl`*n* with its
/// type in `MediaContentType`*n*, counted from 0.
///
/// Nothing here refuses a webhook. When `NumMedia` is absent or unreadable, the `MediaUrl`*n*
/// fields present are taken; an item `NumMedia` counts but whose URL is missing becomes an item
/// that says it could not be read. At most ``TwilioParser/maximumMediaItems`` are kept.
extension TwilioParser {
    static func media(_ form: FormFields, notices: inout [ParseNotice]) -> [MediaItem] {
        let fields = form.reader
        let declared = fields.size("NumMedia")
        if declared == nil, fields.trimmedText("NumMedia") != nil {
            notices.append(ParseNotice(field: "NumMedia", "is not a count; the MediaUrl fields present are read"))
        }
        let present = form.fields.compactMap { field -> Int? in
            guard field.name.hasPrefix("MediaUrl"), let index = Int(field.name.dropFirst("MediaUrl".count)), index >= 0 else { return nil }
            return index
        }
        let count = declared ?? present.max().map { $0 + 1 } ?? 0
        if count > maximumMediaItems {
            notices.append(ParseNotice(field: "NumMedia", "\(count) media items; only the first \(maximumMediaItems) are kept"))
        }

        var items: [MediaItem] = []
        for index in 0..<min(count, maximumMediaItems) {
            let type = fields.trimmedText("MediaContentType\(index)")
            guard let url = fields.trimmedText("MediaUrl\(index)") else {
                if declared != nil {
                    notices.append(ParseNotice(field: "MediaUrl\(index)", "is missing although NumMedia counts it"))
                    items.append(MediaItem(url: "", mimeType: type, problem: "the carrier gave no address for it"))
                }
                continue
            }
            items.append(MediaItem(url: url, mimeType: type))
        }
        return items
    }
}
