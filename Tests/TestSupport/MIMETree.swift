import Crypto
import Foundation

/// An email as Python's `email` package reads it (`mime_parts.py`): an independent check of the
/// MIME structure SMSRelay writes and of the bytes each part decodes to.
public struct MIMETree: Decodable, Sendable {
    public var type: String
    public var parts: [MIMETree]?
    public var disposition: String?
    public var filename: String?
    public var content_id: String?
    public var size: Int?
    public var sha256: String?
    public var text: String?
    public var defects: [String]?
    public var subject: String?
    public var message_defects: [String]?
    /// The message's From, To, Reply-To, Message-ID, In-Reply-To, References and Auto-Submitted, as
    /// Python reads them (display names decoded), where present.
    public var headers: [String: String]?

    /// Parses `bytes` (a whole message) with Python.
    public static func parse(_ bytes: [UInt8]) async throws -> MIMETree {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mime-\(UUID().uuidString).eml")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let output = try await PythonScript.run("mime_parts.py", [file.path])
        return try JSONDecoder().decode(MIMETree.self, from: output)
    }

    /// Every part, depth first, this one included.
    public var allParts: [MIMETree] {
        [self] + (parts ?? []).flatMap(\.allParts)
    }

    /// The leaf parts that are files: attached or inline.
    public var files: [MIMETree] {
        allParts.filter { $0.parts == nil && ($0.disposition == "attachment" || $0.disposition == "inline") }
    }

    /// The structure as `multipart/mixed(multipart/alternative(text/plain,…),…)`, for one-line checks.
    public var shape: String {
        guard let parts else { return type }
        return type + "(" + parts.map(\.shape).joined(separator: ",") + ")"
    }

    /// Every defect Python noted, in any part.
    public var allDefects: [String] {
        (message_defects ?? []) + allParts.flatMap { $0.defects ?? [] }
    }

    /// The lowercase hex SHA-256 of `bytes`, to compare with a part's ``sha256``.
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
