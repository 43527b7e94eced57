import Foundation

/// One conversation of Python's smtplib (`smtp_client.py`) with an SMTP server on 127.0.0.1,
/// as a sending mail server has it: each step's reply, or where the server ended it.
public struct SMTPClientRun: Decodable, Sendable {
    public var ehlo: [SMTPClientReply]?
    public var extensions: [String]?
    public var starttls: [SMTPClientReply]?
    public var mail: [SMTPClientReply]?
    public var rcpt: [[SMTPClientReply]]?
    public var data: [SMTPClientReply]?
    /// The reply that ended the conversation early, `[code, text]`; code 0 for a closed connection.
    public var error: [SMTPClientReply]?

    /// Sends `message` from `sender` to `recipients`; with `cafile`, after STARTTLS trusting it.
    public static func send(
        port: Int, message: [UInt8], sender: String, recipients: [String], mailOptions: [String] = [], cafile: String? = nil
    ) async throws -> SMTPClientRun {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-message-\(UUID().uuidString).eml")
        try Data(message).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var arguments = ["--port", String(port), "--sender", sender, "--message-file", file.path]
        arguments += recipients.flatMap { ["--recipient", $0] }
        arguments += mailOptions.flatMap { ["--mail-option", $0] }
        if let cafile { arguments += ["--starttls", "--cafile", cafile] }
        return try JSONDecoder().decode(SMTPClientRun.self, from: try await PythonScript.run("smtp_client.py", arguments))
    }

    /// The code of a reply.
    public static func code(_ reply: [SMTPClientReply]?) -> Int? {
        if case .code(let code) = reply?.first { return code }
        return nil
    }

    /// The text of a reply.
    public static func text(_ reply: [SMTPClientReply]?) -> String {
        if let last = reply?.last, case .text(let text) = last { return text }
        return ""
    }
}

/// A reply code or text, as the JSON has them side by side.
public enum SMTPClientReply: Decodable, Equatable, Sendable {
    case code(Int)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let code = try? container.decode(Int.self) {
            self = .code(code)
        } else {
            self = .text(try container.decode(String.self))
        }
    }
}
