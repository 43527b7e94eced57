/// MMS media of a v2.x message. The message lists its media in
/// `data.relationships.media.data` as `{"type": "media", "id": …}` references;
/// the media objects themselves, with their URL, sit in the top-level
/// `included` array. Media come back in the order the message lists them.
///
/// When a message has no `relationships.media` but `included` holds media
/// objects, those are taken in their own order.
extension FlowroutePayload {
    static func parseMedia(_ root: JSONObjectReader, data: JSONObjectReader) throws(PayloadError) -> [MediaItem] {
        let included = try root.optionalObjectArray("included") ?? []

        // Media objects by id; other included types are not ours to judge.
        var mediaByID: [String: JSONObjectReader] = [:]
        var mediaInOrder: [JSONObjectReader] = []
        for resource in included {
            guard try resource.string("type") == "media" else { continue }
            let id = try resource.identifier("id")
            if mediaByID[id] == nil {
                mediaByID[id] = resource
                mediaInOrder.append(resource)
            }
        }

        guard
            let relationships = try data.optionalObject("relationships"),
            let mediaRelationship = try relationships.optionalObject("media")
        else {
            var media: [MediaItem] = []
            for resource in mediaInOrder {
                media.append(try mediaItem(resource))
            }
            return media
        }

        let references = try mediaRelationship.optionalObjectArray("data") ?? []
        var media: [MediaItem] = []
        media.reserveCapacity(references.count)
        for reference in references {
            let type = try reference.string("type")
            guard type == "media" else {
                throw PayloadError.invalid(reference.path(of: "type"), "is \(JSONPath.quote(type)); expected \"media\"")
            }
            let id = try reference.identifier("id")
            guard let resource = mediaByID[id] else {
                throw PayloadError.invalid(
                    reference.path(of: "id"),
                    "names media \(JSONPath.quote(id)) that is not among the 'included' media objects"
                )
            }
            media.append(try mediaItem(resource))
        }
        return media
    }

    private static func mediaItem(_ resource: JSONObjectReader) throws(PayloadError) -> MediaItem {
        let attributes = try resource.object("attributes")
        return MediaItem(
            url: try attributes.httpURL("url"),
            fileName: try attributes.optionalString("file_name"),
            mimeType: try attributes.optionalString("mime_type"),
            fileSize: try attributes.optionalNonNegativeInteger("file_size")
        )
    }
}
