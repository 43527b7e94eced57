/// MMS media of a v2.x message. The message lists its media in
/// `data.relationships.media.data` as `{"type": "media", "id": …}` references;
/// the media objects themselves, with their URL, sit in the top-level
/// `included` array. Media come back in the order the message lists them.
///
/// When a message has no `relationships.media` but `included` holds media
/// objects, those are taken in their own order.
///
/// Nothing here refuses a callback: a reference to a media object that is not in `included`, or
/// an object without a URL, becomes an item that says it could not be read. Repeated references
/// and URLs are collapsed, and at most ``FlowrouteParser/maximumMediaItems`` are kept.
extension FlowroutePayload {
    static func parseMedia(_ root: JSONObjectReader, data: JSONObjectReader, notices: inout [ParseNotice]) -> [MediaItem] {
        // Media objects by id; other included types are not ours to judge.
        var mediaByID: [String: JSONObjectReader] = [:]
        var typedMedia: [JSONObjectReader] = []
        for resource in root.lenientObjects("included") {
            let type = resource.text("type")?.lowercased()
            guard type == nil || type == "media" else { continue }
            if type == "media" { typedMedia.append(resource) }
            if let id = resource.text("id"), mediaByID[id] == nil {
                mediaByID[id] = resource
            }
        }

        var items: [MediaItem] = []
        if let relationship = data.lenientObject("relationships")?.lenientObject("media") {
            var seenIDs: Set<String> = []
            for reference in relationship.lenientObjects("data") {
                if let type = reference.text("type")?.lowercased(), type != "media" { continue }
                guard let id = reference.text("id") else {
                    notices.append(ParseNotice(field: reference.path, "a media reference without an id"))
                    items.append(.unreadable("the carrier's reference to it has no id"))
                    continue
                }
                guard seenIDs.insert(id).inserted else { continue }
                guard let resource = mediaByID[id] else {
                    notices.append(ParseNotice(field: reference.path(of: "id"), "names media \(JSONPath.quote(id)) that is not in 'included'"))
                    items.append(.unreadable("the carrier did not include it in the callback"))
                    continue
                }
                items.append(mediaItem(resource, notices: &notices))
            }
        } else {
            items = typedMedia.map { mediaItem($0, notices: &notices) }
        }
        return limited(collapsed(items), notices: &notices, field: data.path(of: "relationships.media"))
    }

    private static func mediaItem(_ resource: JSONObjectReader, notices: inout [ParseNotice]) -> MediaItem {
        let attributes = resource.lenientObject("attributes")
        let fileName = attributes?.text("file_name")
        guard let url = attributes?.text("url")?.trimmingBlanks(), !url.isEmpty else {
            notices.append(ParseNotice(field: resource.path, "a media object without a URL"))
            return .unreadable("the carrier gave no address for it", fileName: fileName)
        }
        return MediaItem(
            url: url,
            fileName: fileName,
            mimeType: attributes?.text("mime_type"),
            fileSize: attributes?.size("file_size")
        )
    }

    /// The same URL listed twice is one item.
    private static func collapsed(_ items: [MediaItem]) -> [MediaItem] {
        var seenURLs: Set<String> = []
        return items.filter { item in item.url.isEmpty || seenURLs.insert(item.url).inserted }
    }

    private static func limited(_ items: [MediaItem], notices: inout [ParseNotice], field: String) -> [MediaItem] {
        let limit = FlowrouteParser.maximumMediaItems
        guard items.count > limit else { return items }
        notices.append(ParseNotice(field: field, "\(items.count) media items; only the first \(limit) are kept"))
        return Array(items.prefix(limit))
    }
}
