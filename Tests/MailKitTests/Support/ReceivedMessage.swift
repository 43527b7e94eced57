import Foundation
import MailKit

/// Received emails for the parsing tests, written as text with LF line breaks.
enum ReceivedMessage {
    /// Parses `text` with its line breaks made `lineEnding` (CRLF, as mail travels, by default).
    static func parse(_ text: String, lineEnding: String = "\r\n") throws -> ReceivedEmail {
        try ReceivedEmail(parsing: bytes(text, lineEnding: lineEnding))
    }

    /// `text`'s UTF-8 with each LF made `lineEnding`.
    static func bytes(_ text: String, lineEnding: String = "\r\n") -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: lineEnding).utf8)
    }

    /// `bytes` in base64 as MIME writers put it: lines of 76 characters (Foundation's encoder,
    /// not ours).
    static func base64Lines(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
    }

    /// `text`'s UTF-8 in base64 on one line (Foundation's encoder).
    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// `bytes` in base64 on one line (Foundation's encoder).
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}

extension MIMEPart {
    /// This part and every part below it, depth first.
    var allParts: [MIMEPart] {
        [self] + children.flatMap(\.allParts)
    }

    /// The tree as `multipart/mixed(multipart/alternative(text/plain,text/html),image/jpeg)`.
    var shape: String {
        children.isEmpty ? contentType : contentType + "(" + children.map(\.shape).joined(separator: ",") + ")"
    }

    /// How many levels of parts there are below this one.
    var depth: Int {
        (children.map(\.depth).max() ?? -1) + 1
    }
}
