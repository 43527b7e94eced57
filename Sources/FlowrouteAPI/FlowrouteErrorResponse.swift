import Foundation

/// An error answer of Flowroute's API: the HTTP status and the JSON:API error objects of
/// `{"errors": [{"id": "…", "status": 401, "title": "Unauthorized", "detail": "…"}]}`.
///
/// Anything else in the body (a proxy's HTML page, say) is kept, cut short, as ``otherText``.
struct FlowrouteErrorResponse: Equatable {
    struct Item: Equatable {
        var id: String?
        var status: Int?
        var title: String?
        var detail: String?
    }

    var status: Int
    var errors: [Item]
    /// The start of a body that is not Flowroute's error format; `nil` when it was, or was empty.
    var otherText: String?

    init(status: Int, errors: [Item], otherText: String? = nil) {
        self.status = status
        self.errors = errors
        self.otherText = otherText
    }

    /// Reads the body of an answer with status `status`.
    init(status: Int, body: [UInt8]) {
        self.status = status
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        if let list = object?["errors"] as? [[String: Any]] {
            errors = list.map { item in
                Item(
                    id: Self.text(item["id"]).map { Self.cleaned($0, limit: 100) },
                    status: (item["status"] as? Int) ?? (item["status"] as? String).flatMap { Int($0) },
                    title: Self.text(item["title"]).map { Self.cleaned($0, limit: 200) },
                    detail: Self.text(item["detail"]).map { Self.cleaned($0) }
                )
            }
            otherText = nil
        } else {
            errors = []
            let text = Self.cleaned(String(decoding: body, as: UTF8.self))
            otherText = text.isEmpty ? nil : text
        }
    }

    /// What Flowroute said: `401 Unauthorized: the detail`, the errors joined by `; `.
    var saying: String {
        let said = errors.compactMap { item -> String? in
            let parts = [item.title, item.detail].compactMap { $0 }.filter { !$0.isEmpty }
            return parts.isEmpty ? nil : parts.joined(separator: ": ")
        }
        if !said.isEmpty { return "\(status) \(said.joined(separator: "; "))" }
        if let otherText { return "\(status) \(otherText)" }
        return "\(status) with no explanation"
    }

    /// The first error object's detail, if any.
    var detail: String? { errors.lazy.compactMap(\.detail).first }

    /// The first error object's id, for Flowroute Support.
    var errorID: String? { errors.lazy.compactMap(\.id).first }

    private static func text(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    /// Control characters become spaces, runs of spaces one, and the text is cut at `limit`
    /// characters: what Flowroute says ends up in logs and dead-letter rows.
    static func cleaned(_ text: String, limit: Int = 300) -> String {
        var output = ""
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace {
                if !lastWasSpace { output.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                output.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        if output.hasSuffix(" ") { output.removeLast() }
        return output.count > limit ? String(output.prefix(limit)) + "…" : output
    }
}
