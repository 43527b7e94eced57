/// Callback bodies built from raw JSON fragments, so a test can put any text,
/// valid or not, in one field and leave the rest correct. Passing nil leaves a
/// field out altogether.
enum TestPayload {
    static func v1(
        to: String? = #""12066418000""#,
        from: String? = #""18553569768""#,
        body: String? = #""Hello""#,
        id: String? = #""mdr1-0123456789abcdef""#
    ) -> String {
        object(["to": to, "from": from, "body": body, "id": id])
    }

    static func v2Message(
        type: String? = #""message""#,
        id: String? = #""mdr2-0123456789abcdef""#,
        to: String? = #""12065550100""#,
        from: String? = #""12065550123""#,
        body: String? = #""Hello""#,
        direction: String? = #""inbound""#,
        timestamp: String? = #""2017-12-22T01:52:39.39Z""#,
        isMMS: String? = "false",
        relationships: String? = nil,
        included: String? = nil
    ) -> String {
        let attributes = object([
            "to": to, "from": from, "body": body, "direction": direction,
            "timestamp": timestamp, "is_mms": isMMS,
        ])
        let data = object(["type": type, "id": id, "attributes": attributes, "relationships": relationships])
        return object(["data": data, "included": included])
    }

    /// An MMS whose relationships list `references` (media ids) and whose `included` holds `media`.
    static func v2MMS(references: [String], media: [String]) -> String {
        let refs = references.map { #"{"type": "media", "id": "\#($0)"}"# }.joined(separator: ", ")
        return v2Message(
            isMMS: "true",
            relationships: #"{"media": {"data": [\#(refs)]}}"#,
            included: "[\(media.joined(separator: ", "))]"
        )
    }

    /// One `included` media object with the given attribute fragments.
    static func media(
        id: String,
        url: String? = nil,
        fileName: String? = #""photo.jpg""#,
        mimeType: String? = #""image/jpeg""#,
        fileSize: String? = "1024"
    ) -> String {
        let attributes = object([
            "url": url ?? #""https://media.example.invalid/\#(id)""#,
            "file_name": fileName, "mime_type": mimeType, "file_size": fileSize,
        ])
        return object(["type": #""media""#, "id": #""\#(id)""#, "attributes": attributes])
    }

    static func receipt(
        id: String? = #""mdr2-0123456789abcdef""#,
        status: String? = #""delivered""#,
        statusCode: String? = #""1000""#,
        description: String? = #""Message delivered""#,
        level: String? = "2",
        timestamp: String? = #""2024-01-05T17:10:03Z""#
    ) -> String {
        let attributes = object([
            "status": status, "status_code": statusCode, "status_code_description": description,
            "level": level, "timestamp": timestamp, "body": #""Your table is ready""#,
        ])
        return object([
            "data": object(["type": #""delivery_receipt""#, "id": id, "attributes": attributes])
        ])
    }

    /// `{"key": fragment, …}` for the non-nil fragments, keys sorted for stable text.
    static func object(_ fields: [String: String?]) -> String {
        let members = fields.keys.sorted().compactMap { key in
            fields[key].flatMap { $0 }.map { #""\#(key)": \#($0)"# }
        }
        return "{\(members.joined(separator: ", "))}"
    }
}
