import Foundation
import Testing
import TestSupport

@testable import MailKit

/// Hostile and broken input: the parser neither crashes nor hangs, and keeps within its limits.
@Suite("Received email robustness")
struct ReceivedEmailRobustnessTests {
    /// Reads every property, as a caller would.
    static func touch(_ email: ReceivedEmail) {
        _ = (email.subject, email.messageID, email.from, email.to, email.deliveredTo)
        _ = (email.inReplyTo, email.references, email.bodyText, email.headers(named: "Received"))
        for part in email.root.allParts { _ = (part.text, part.fileName, part.isAttachment) }
    }

    /// Parses `bytes`; the only error allowed is "not an email".
    static func parseOrRefuse(_ bytes: [UInt8]) {
        do {
            touch(try ReceivedEmail(parsing: bytes))
        } catch let error as MailKitError {
            #expect(error.code == .notAnEmail)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    static let tokens = [
        "\r\n", "\n", "\r", " ", "\t", ":", "Subject: ", "From: ", "Content-Type: multipart/mixed; boundary=x\r\n",
        "Content-Type: text/html\r\n", "Content-Transfer-Encoding: base64\r\n", "Content-Transfer-Encoding: quoted-printable\r\n",
        "--x", "--x--", "=?", "?=", "=?UTF-8?B?", "=?utf-8?q?", "=", "=C3", "<", ">", "&", "&#x", "<blockquote>", "<style>",
        "<!--", "format=flowed; delsp=yes", "name*0*=", "%", "\"", "\\", "(", ")", ";", ",", "@", "\u{FF}", "\u{80}",
    ]

    @Test("random bytes and random tokens parse or are refused, never crash")
    func garbage() {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<400 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...120, using: &random) {
                if Bool.random(using: &random) {
                    bytes += Array(Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)].utf8)
                } else {
                    bytes.append(UInt8.random(in: 0...255, using: &random))
                }
            }
            Self.parseOrRefuse(bytes)
        }
    }

    @Test("mutated real messages parse or are refused, never crash")
    func mutations() {
        let message = ReceivedMessage.bytes(
            """
            From: =?UTF-8?B?Wm/DqyDDnG5hbA==?= <zoe@example.com>
            Subject: =?ISO-8859-1?Q?Caf=E9?=
            Content-Type: multipart/mixed; boundary="m"

            --m
            Content-Type: multipart/alternative; boundary="a"

            --a
            Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes
            Content-Transfer-Encoding: quoted-printable

            Hello =C3=A9 there=20
            > quoted
            --a
            Content-Type: text/html; charset=windows-1252
            Content-Transfer-Encoding: base64

            PGJsb2NrcXVvdGU+aGk8L2Jsb2NrcXVvdGU+
            --a--
            --m
            Content-Type: image/png; name*0*=UTF-8''%C3%A9; name*1=.png
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --m--
            """
        )
        var random = SplitMix64(seed: 42)
        for _ in 0..<400 {
            var bytes = message
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                guard !bytes.isEmpty else { break }
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: index)
                case 2: bytes.insert(contentsOf: Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)].utf8, at: index)
                default: bytes.removeSubrange(index...)
                }
            }
            Self.parseOrRefuse(bytes)
        }
    }

    @Test("multiparts nested thousands deep stop at the depth limit")
    func deepNesting() throws {
        var message = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
        for level in 1..<3000 {
            message += "--b\(level - 1)\r\nContent-Type: multipart/mixed; boundary=b\(level)\r\n\r\n"
        }
        message += "--b2999\r\n\r\ninnermost\r\n"
        let email = try ReceivedEmail(parsing: Array(message.utf8))
        #expect(email.root.depth == MIMEPart.maximumDepth)
        Self.touch(email)
    }

    @Test("a multipart of thousands of parts keeps at most the part limit")
    func manyParts() throws {
        let message = "Content-Type: multipart/mixed; boundary=p\r\n\r\n" + String(repeating: "--p\r\n\r\nx\r\n", count: 5000) + "--p--\r\n"
        let email = try ReceivedEmail(parsing: Array(message.utf8))
        #expect(email.root.allParts.count == MIMEPart.maximumPartCount)
        #expect(email.bodyText == "x")
    }

    @Test("huge headers and hostile encoded words take linear time")
    func hugeHeaders() throws {
        let hostile = [
            String(repeating: "=?", count: 100_000),
            String(repeating: "=?a?q?", count: 40_000),
            String(repeating: "=?UTF-8?Q?a?=", count: 20_000),
            String(repeating: "=?UTF-8?B?", count: 20_000),
            String(repeating: "(x", count: 100_000),
            String(repeating: "x", count: 300_000),
        ]
        let clock = ContinuousClock()
        for value in hostile {
            let started = clock.now
            let email = try ReceivedEmail(parsing: Array("Subject: \(value)\r\nFrom: \(value)\r\nTo: \(value)\r\n\r\n".utf8))
            Self.touch(email)
            #expect(clock.now - started < .seconds(20), "too slow for \(value.prefix(16))…")
        }
        let words = try ReceivedEmail(parsing: Array("Subject: \(String(repeating: "=?UTF-8?Q?a?= ", count: 50_000))\r\n\r\n".utf8))
        #expect(words.subject == String(repeating: "a", count: 50_000))
    }

    @Test("hostile HTML takes linear time and nests quote marks only so deep")
    func hostileHTML() {
        let hostile = [
            String(repeating: "<head>", count: 100_000),
            String(repeating: "<style", count: 100_000),
            String(repeating: "<!-", count: 100_000),
            String(repeating: "&abcdefghijklmnopqrstuvwxyz0123", count: 20_000),
            String(repeating: "<blockquote>x", count: 20_000),
            String(repeating: "<a <b <c", count: 50_000),
        ]
        let clock = ContinuousClock()
        for html in hostile {
            let started = clock.now
            let text = HTMLText.plainText(from: html)
            #expect(clock.now - started < .seconds(20), "too slow for \(html.prefix(16))…")
            #expect(text.split(separator: "\n").allSatisfy { $0.prefix { $0 == ">" }.count <= HTMLText.maximumQuoteMarks })
        }
    }
}
