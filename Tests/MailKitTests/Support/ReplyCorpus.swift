import Foundation
import TestSupport

/// The reply emails of `ReplyCorpus/`: `NAME.eml`, a reply as a mail client writes it to a
/// relayed text message, and `NAME.txt`, the text its writer newly wrote (empty for none).
enum ReplyCorpus {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ReplyCorpus")

    /// The name of each reply, without `.eml`, sorted.
    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()
    }

    static func email(_ name: String) -> URL {
        folder.appendingPathComponent(name + ".eml")
    }

    /// The expected text: the `.txt` file without its final line break.
    static func expected(_ name: String) throws -> String {
        var text = try String(contentsOf: folder.appendingPathComponent(name + ".txt"), encoding: .utf8)
            .replacingOccurrences(of: "\r\n", with: "\n")
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// The reply's text as Python's `email` package reads it (`reply_text.py`): an independent parser.
    struct PythonReading: Decodable {
        /// `text/plain` or `text/html`: the body it was read from.
        var type: String
        var text: String
    }

    static func readWithPython(_ name: String) async throws -> PythonReading {
        try JSONDecoder().decode(PythonReading.self, from: try await PythonScript.run("reply_text.py", [email(name).path]))
    }
}
