import Foundation
import MailKit
import Testing
import Transports

@Suite("Maildir transport")
struct MaildirTransportTests {
    static let email = Email(
        from: Mailbox(displayName: "18553569768", address: "sms@localhost"),
        to: [Mailbox(address: "inbox@localhost")],
        subject: "Text message from 18553569768 to 12066418000",
        date: Date(timeIntervalSince1970: 1_764_050_000),
        messageID: "mdr1-abc.flowroute@localhost",
        textBody: "Hello there from Flowroute!",
        htmlBody: "<p>Hello there from Flowroute!</p>")

    func withMaildir(_ body: (URL) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maildir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await body(root)
    }

    @Test("creates tmp, new and cur, and delivers one whole file into new")
    func delivers() async throws {
        try await withMaildir { root in
            let transport = try MaildirTransport(root: root)
            for sub in ["tmp", "new", "cur"] {
                var isDirectory: ObjCBool = false
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(sub).path, isDirectory: &isDirectory))
                #expect(isDirectory.boolValue)
            }
            let receipt = try await transport.send(Self.email)
            let name = try #require(receipt.transportMessageID)
            let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("new").path)
            #expect(files == [name])
            #expect(receipt.answer == root.appendingPathComponent("new").appendingPathComponent(name).path, "the answer is the file's path")
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path).isEmpty)
            let bytes = try Data(contentsOf: root.appendingPathComponent("new").appendingPathComponent(name))
            #expect(Array(bytes) == MIMEWriter.render(Self.email))
        }
    }

    @Test("every delivery gets its own file name")
    func uniqueNames() async throws {
        try await withMaildir { root in
            let transport = try MaildirTransport(root: root)
            for _ in 0..<50 { _ = try await transport.send(Self.email) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("new").path).count == 50)
        }
    }

    @Test("a broken maildir is a transient failure that leaves no half file")
    func brokenMaildir() async throws {
        try await withMaildir { root in
            let transport = try MaildirTransport(root: root)
            let tmp = root.appendingPathComponent("tmp")
            try FileManager.default.removeItem(at: tmp)
            try Data().write(to: tmp)
            await #expect {
                _ = try await transport.send(Self.email)
            } throws: { error in
                (error as? MailTransportError)?.kind == .transient
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("new").path).isEmpty)
        }
    }

    @Test("a maildir that cannot be created is a clear error")
    func cannotCreate() throws {
        #expect {
            _ = try MaildirTransport(root: URL(fileURLWithPath: "/proc/no-maildir-here"))
        } throws: { error in
            "\(error)".contains("/proc/no-maildir-here")
        }
    }
}

@Suite("Maildir transport: leftovers")
struct MaildirOrphanTests {
    @Test("opening the maildir removes files an interrupted delivery left in tmp/ over a day ago, and nothing else")
    func orphansRemoved() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maildir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try MaildirTransport(root: root)
        let tmp = root.appendingPathComponent("tmp")
        let old = tmp.appendingPathComponent("1700000000.M1P1R1.host")
        let recent = tmp.appendingPathComponent("1700000001.M1P1R2.host")
        let delivered = root.appendingPathComponent("new").appendingPathComponent("1700000000.M1P1R3.host")
        for file in [old, recent, delivered] {
            try Data("partial".utf8).write(to: file)
        }
        let twoDaysAgo = Date().addingTimeInterval(-2 * 86_400)
        try FileManager.default.setAttributes([.modificationDate: twoDaysAgo], ofItemAtPath: old.path)
        try FileManager.default.setAttributes([.modificationDate: twoDaysAgo], ofItemAtPath: delivered.path)

        _ = try MaildirTransport(root: root)
        #expect(!FileManager.default.fileExists(atPath: old.path))
        #expect(FileManager.default.fileExists(atPath: recent.path), "a delivery may be under way")
        #expect(FileManager.default.fileExists(atPath: delivered.path), "new/ is the reader's, never cleaned")
    }
}
