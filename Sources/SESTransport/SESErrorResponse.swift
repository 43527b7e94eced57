import Foundation

/// What SES (or something in front of it) said when it refused a request.
///
/// The SES v2 API is REST-JSON: the error code is in the `x-amzn-ErrorType` header and in the
/// body's `__type` or `code`, the text in its `message`. Errors raised before the request reaches
/// SES (a bad signature, an unknown key) may come as an XML `<Error><Code>…<Message>…` document
/// instead, as they do from emulators; both are read. Codes may carry a namespace
/// (`com.amazonaws…#MessageRejected`) or a suffix (`MessageRejected:http://…`), which are dropped.
struct SESErrorResponse: Sendable, Equatable {
    /// The HTTP status code.
    var status: Int
    /// The error code, e.g. `MessageRejected`, when one was found.
    var code: String?
    /// AWS's explanation, cleaned of control characters and shortened.
    var message: String?
    /// The request ID, for a support case.
    var requestID: String?

    init(status: Int, code: String?, message: String?, requestID: String?) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// Reads an error reply. `headers` are looked up without regard to case.
    init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name }?.value
        }
        self.status = status
        var code = header("x-amzn-errortype").flatMap(Self.cleanedCode)
        var message: String?
        var requestID = header("x-amzn-requestid") ?? header("x-amz-request-id")

        if let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] {
            code = code ?? ["__type", "code", "Code"].lazy.compactMap { object[$0] as? String }.first.flatMap(Self.cleanedCode)
            message = ["message", "Message", "errorMessage"].lazy.compactMap { object[$0] as? String }.first
        } else {
            let text = String(decoding: body, as: UTF8.self)
            if text.contains("<Code>") || text.contains("<Message>") {
                code = code ?? Self.xmlElement("Code", in: text).flatMap(Self.cleanedCode)
                message = Self.xmlElement("Message", in: text)
                requestID = requestID ?? Self.xmlElement("RequestId", in: text)
            } else if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                // Not AWS's format (a proxy's HTML page, say): keep its start as the message.
                message = text
            }
        }
        self.code = code
        self.message = message.map { Self.cleanedText($0) }
        self.requestID = requestID.map { Self.cleanedText($0, limit: 100) }
    }

    /// `aws.ses#MessageRejected:http://internal…` → `MessageRejected`; nil when nothing is left.
    static func cleanedCode(_ raw: String) -> String? {
        var code = Substring(raw)
        if let colon = code.firstIndex(of: ":") { code = code[..<colon] }
        if let hash = code.lastIndex(of: "#") { code = code[code.index(after: hash)...] }
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : cleanedText(trimmed, limit: 100)
    }

    /// The text of the first `<name>…</name>`, entities decoded.
    static func xmlElement(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Control characters (line breaks included) become spaces, runs of spaces one, and the
    /// text is cut at `limit` characters: what AWS says ends up in logs and dead-letter rows.
    static func cleanedText(_ text: String, limit: Int = 500) -> String {
        var output = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.generalCategory == .control || scalar.properties.isWhitespace
            if isSpace {
                if !lastWasSpace && !output.isEmpty { output.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                output.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        output = output.trimmingCharacters(in: .whitespaces)
        return output.count > limit ? String(output.prefix(limit)) + "…" : output
    }
}
