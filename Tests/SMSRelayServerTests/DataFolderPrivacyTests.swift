import Foundation
import TestSupport
import Testing

/// What `smsrelay serve` keeps in its data folder is readable by its user only.
@Suite("The data folder is private")
struct DataFolderPrivacyTests {
    /// Every folder and regular file under `root`, with its permission bits.
    static func modes(under root: URL) throws -> [(path: String, isFolder: Bool, mode: Int)] {
        var found: [(String, Bool, Int)] = []
        var pending = [root.path]
        while let folder = pending.popLast() {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder)
            found.append((folder, true, (attributes[.posixPermissions] as? Int) ?? -1))
            for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let path = folder + "/" + name
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                switch attributes[.type] as? FileAttributeType {
                case .typeDirectory?: pending.append(path)
                case .typeRegular?: found.append((path, false, (attributes[.posixPermissions] as? Int) ?? -1))
                default: break
                }
            }
        }
        return found
    }

    static func expectPrivate(_ root: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for entry in try modes(under: root) {
            #expect(
                entry.mode == (entry.isFolder ? 0o700 : 0o600),
                "\(entry.path) is \(String(entry.mode, radix: 8))", sourceLocation: sourceLocation)
        }
    }

    @Test("under umask 022 the data folder is 0700 and every file the relay creates in it 0600")
    func modesUnderPermissiveUmask() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data")
            let server = try await ServeProcess(environment: ["SMSRELAY_DATA_DIR": data.path], umask: "022")
            defer { _ = server.terminate() }
            #expect(try await server.post(IntakeTests.seed) == 200)
            let maildir = data.appendingPathComponent("mail")
            try await eventually(timeout: .seconds(20), "the email") { try maildirMessages(maildir).count == 1 }

            let names = Set(try FileManager.default.contentsOfDirectory(atPath: data.path))
            for name in ["outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm", "webhook-token", "smsrelay.lock", "mail"] {
                #expect(names.contains(name), "\(name) in \(names)")
            }
            try Self.expectPrivate(data)
        }
    }

    @Test("a data folder open to others is made private at start-up, with a notice in the log")
    func existingFolderTightened() async throws {
        try await withTemporaryDirectory { dir in
            let data = dir.appendingPathComponent("data")
            let new = data.appendingPathComponent("mail/new")
            try FileManager.default.createDirectory(at: new, withIntermediateDirectories: true)
            try Data("From: an earlier run\r\n\r\nhello\r\n".utf8).write(to: new.appendingPathComponent("1.earlier.host"))
            for (path, mode) in [(data, 0o755), (data.appendingPathComponent("mail"), 0o755), (new, 0o775),
                                 (new.appendingPathComponent("1.earlier.host"), 0o644)] {
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path.path)
            }

            let server = try await ServeProcess(environment: ["SMSRELAY_DATA_DIR": data.path], umask: "022")
            defer { _ = server.terminate() }
            try Self.expectPrivate(data)
            #expect(server.standardError.contains("the data folder was open to other users; it is now private"), "\(server.standardError)")
            #expect(server.standardError.contains("was=0755"), "\(server.standardError)")
        }
    }
}
