import Foundation
import MailKit
import SMSRelayCore

/// Small, deliberately naive readers of what MIMEWriter produces, written from the RFCs
/// and independent of the module's encoders.
enum MIMETestSupport {
    /// A plain email with the given pieces; everything else fixed.
    static func email(
        subject: String = "Hello",
        from: Mailbox = Mailbox(displayName: "15551234567", address: "relay@example.org"),
        to: [Mailbox] = [Mailbox(address: "ann@example.com")],
        messageID: String = "smsrelay.test.1@example.org",
        text: String = "Plain text",
        html: String = "<p>HTML</p>",
        attachments: [Attachment] = []
    ) -> Email {
        Email(
            from: from,
            to: to,
            subject: subject,
            date: novemberMorning,
            messageID: messageID,
            textBody: text,
            htmlBody: html,
            attachments: attachments
        )
    }

    /// 2026-11-25T06:30:00Z, a Wednesday.
    static let novemberMorning = Date(timeIntervalSince1970: 1_795_588_200)

    /// The message split at CRLF. Fails (returns nil) if any CR or LF stands alone.
    static func crlfLines(_ bytes: [UInt8]) -> [String]? {
        var lines: [String] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D {
                guard index + 1 < bytes.count, bytes[index + 1] == 0x0A else { return nil }
                lines.append(String(decoding: current, as: UTF8.self))
                current = []
                index += 2
                continue
            }
            if byte == 0x0A { return nil }
            current.append(byte)
            index += 1
        }
        lines.append(String(decoding: current, as: UTF8.self))
        return lines
    }

    /// The top-level header fields, unfolded, as (name, value) in order.
    static func headers(_ bytes: [UInt8]) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in crlfLines(bytes) ?? [] {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" {
                fields[fields.count - 1].value += line
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
                fields.append((String(line[..<colon]), String(value)))
            } else {
                fields.append((line, ""))  // not a field at all: the caller's checks will see it
            }
        }
        return fields
    }

    /// The raw header block lines (folded as written).
    static func headerLines(_ bytes: [UInt8]) -> [String] {
        Array((crlfLines(bytes) ?? []).prefix(while: { !$0.isEmpty }))
    }

    /// Decodes RFC 2047 `=?UTF-8?B?…?=` words in an unfolded value; white space between two
    /// adjacent encoded words is dropped, as RFC 2047 §6.2 says.
    static func decodeEncodedWords(_ value: String) -> String? {
        var result: [UInt8] = []
        var pendingSpace: [UInt8] = []
        var previousWasEncoded = false
        var token: [UInt8] = []
        func flushToken() -> Bool {
            guard !token.isEmpty else { return true }
            defer { token = [] }
            let text = String(decoding: token, as: UTF8.self)
            if text.hasPrefix("=?UTF-8?B?"), text.hasSuffix("?="), text.utf8.count >= 12 {
                guard let data = Data(base64Encoded: String(text.dropFirst(10).dropLast(2))) else { return false }
                if !previousWasEncoded { result += pendingSpace }
                result += data
                previousWasEncoded = true
            } else {
                result += pendingSpace + token
                previousWasEncoded = false
            }
            pendingSpace = []
            return true
        }
        for byte in value.utf8 {
            if byte == 0x20 || byte == 0x09 {
                guard flushToken() else { return nil }
                pendingSpace.append(byte)
            } else {
                token.append(byte)
            }
        }
        guard flushToken() else { return nil }
        result += pendingSpace
        return String(validating: result, as: UTF8.self)
    }

    /// Decodes quoted-printable (RFC 2045 §6.7): `=XX`, soft breaks, CRLF hard breaks.
    static func decodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3  // soft break
                    continue
                }
                guard index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2])
                else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// The body of the first part whose headers include `marker`, up to the next delimiter.
    static func partBody(_ message: [UInt8], containing marker: String) -> [UInt8]? {
        guard let lines = crlfLines(message), let start = lines.firstIndex(of: marker) else { return nil }
        guard let blank = lines[start...].firstIndex(of: "") else { return nil }
        let bodyLines = lines[(blank + 1)...].prefix(while: { !$0.hasPrefix("--=_smsrelay_") })
        return Array(bodyLines.joined(separator: "\r\n").utf8)
    }

    /// A fresh, empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("mailkit-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
