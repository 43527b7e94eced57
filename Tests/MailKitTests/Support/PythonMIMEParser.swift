import Foundation
import TestSupport

/// Parses a message with Python's `email` package (`policy=email.policy.default`), an
/// implementation that shares nothing with MailKit, and reports what it understood.
enum PythonMIMEParser {
    struct Address: Decodable, Equatable {
        var name: String
        var address: String
    }

    struct Part: Decodable {
        var contentType: String
        var charset: String?
        var transferEncoding: String?
        var disposition: String?
        var filename: String?
        /// The `Content-ID` field as written, angle brackets included.
        var contentID: String?
        /// The `type` parameter of the Content-Type (that of a `multipart/related`).
        var typeParameter: String?
        /// The decoded body of a part that is not multipart.
        var data: [UInt8]?
    }

    struct AttachmentInfo: Decodable {
        var filename: String?
        var contentType: String
        var data: [UInt8]
    }

    struct Parsed: Decodable {
        /// Every top-level header name, in order.
        var headerNames: [String]
        var subject: String
        var from: [Address]
        var to: [Address]
        /// The `Date`, as ISO 8601 with offset.
        var date: String
        var messageID: String
        var mimeVersion: String
        var contentType: String
        /// The MIME tree, each multipart's children in parentheses:
        /// `multipart/alternative(text/plain,text/html)`.
        var tree: String
        /// Every part, the message itself first, depth first.
        var parts: [Part]
        /// Decoded text of the `text/plain` body, line endings as `\n`.
        var text: String
        /// Decoded text of the `text/html` body, line endings as `\n`.
        var html: String
        var attachments: [AttachmentInfo]
        /// Defects Python noticed anywhere (message, parts, headers).
        var defects: [String]
    }

    private static let script = #"""
        import email, email.policy, json, sys

        with open(sys.argv[1], "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)

        defects = [type(d).__name__ for part in message.walk() for d in part.defects]
        for name, value in message.items():
            defects += [name + ": " + type(d).__name__ for d in getattr(value, "defects", [])]

        def addresses(name):
            header = message[name]
            return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses] if header else []

        def tree(part):
            if not part.is_multipart():
                return part.get_content_type()
            return part.get_content_type() + "(" + ",".join(tree(p) for p in part.iter_parts()) + ")"

        def text_of(kind):
            part = message.get_body(preferencelist=(kind,))
            return part.get_content().replace("\r\n", "\n") if part is not None else ""

        json.dump({
            "headerNames": list(message.keys()),
            "subject": str(message["Subject"]),
            "from": addresses("From"),
            "to": addresses("To"),
            "date": message["Date"].datetime.isoformat(),
            "messageID": str(message["Message-ID"]),
            "mimeVersion": str(message["MIME-Version"]),
            "contentType": message.get_content_type(),
            "tree": tree(message),
            "parts": [{
                "contentType": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transferEncoding": part.get("Content-Transfer-Encoding"),
                "disposition": part.get_content_disposition(),
                "filename": part.get_filename(),
                "contentID": part.get("Content-ID"),
                "typeParameter": part.get_param("type") if part.is_multipart() else None,
                "data": None if part.is_multipart() else list(part.get_payload(decode=True)),
            } for part in message.walk()],
            "text": text_of("plain"),
            "html": text_of("html"),
            "attachments": [{
                "filename": part.get_filename(),
                "contentType": part.get_content_type(),
                "data": list(part.get_payload(decode=True)),
            } for part in message.iter_attachments()],
            "defects": defects,
        }, sys.stdout, ensure_ascii=True)
        """#

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `message` to a temporary file, runs `python3` on it and decodes its JSON report.
    /// The wait is asynchronous, so that parsing never holds one of the few threads the other
    /// tests run on.
    static func parse(_ message: [UInt8]) async throws -> Parsed {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("mailkit-\(UUID().uuidString).eml")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data(message).write(to: input)
        let run = try await ProcessRun(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, input.path], timeout: .seconds(60))
        guard run.status == 0 else {
            throw Failure(description: "python3 exited with \(run.status): \(String(decoding: run.stderr, as: UTF8.self))")
        }
        return try JSONDecoder().decode(Parsed.self, from: run.stdout)
    }
}
