import Foundation
import Testing

@testable import MailKit

@Suite("Base64")
struct Base64Tests {
    @Test("RFC 4648 test vectors", arguments: [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func vectors(_ input: String, _ expected: String) {
        #expect(String(decoding: Base64.encode(Array(input.utf8)), as: UTF8.self) == expected)
    }

    @Test("a MIME body is in lines of 76 characters joined by CRLF, without a final break", arguments: [0, 1, 56, 57, 58, 114, 1000, 4096])
    func lines(_ count: Int) throws {
        let data = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let encoded = String(decoding: Base64.encodeLines(data), as: UTF8.self)
        #expect(!encoded.hasSuffix("\r\n"))
        let lines = encoded.isEmpty ? [] : encoded.components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.allSatisfy { !$0.isEmpty && $0.count <= 76 && !$0.contains("\n") && !$0.contains("\r") })
        #expect(Data(base64Encoded: lines.joined()).map(Array.init) == data)
    }
}
