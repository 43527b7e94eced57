import Foundation
import TestSupport
import Testing

@Suite("smsrelay serve as a process", .serialized)
struct ServeProcessTests {
    static func callback(_ n: Int) -> String {
        #"{"to": "12066418000", "body": "message \#(n)", "from": "18553569768", "id": "mdr1-kill-\#(n)"}"#
    }

    @Test("first start generates a token, keeps it, and prints the callback URL")
    func firstStart() async throws {
        try await withTemporaryDirectory { dir in
            let env = ["SMSRELAY_DATA_DIR": dir.path]
            let first = try await ServeProcess(environment: env)
            let tokenFile = dir.appendingPathComponent("webhook-token")
            let token = try String(contentsOf: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.count == 64)
            #expect(first.printedCallbackURL == "http://127.0.0.1:\(first.port)/flowroute/\(token)")
            let attributes = try FileManager.default.attributesOfItem(atPath: tokenFile.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try await first.post(IntakeTests.seed) == 200)
            #expect(first.terminate() == 0, "SIGTERM stops the server cleanly")

            let second = try await ServeProcess(environment: env)
            #expect(try await second.post(IntakeTests.seed) == 200, "the token survives a restart")
            _ = second.terminate()
            #expect(try maildirMessages(dir.appendingPathComponent("mail")).count == 1)
        }
    }

    @Test("a second server on the same data folder refuses to start: exit 64, saying the folder is in use")
    func exclusiveDataFolder() async throws {
        try await withTemporaryDirectory { dir in
            let env = ["SMSRELAY_DATA_DIR": dir.path]
            let first = try await ServeProcess(environment: env)
            let second = try await CommandRun(["serve", "--port", "0"], environment: env)
            #expect(second.status == 64)
            #expect(second.stderr.contains("another smsrelay server is already using \(dir.standardizedFileURL.path)"), "\(second.stderr)")
            #expect(!second.stdout.contains("listening on"))
            // The first one is unharmed.
            #expect(try await first.post(IntakeTests.seed) == 200)
            #expect(first.terminate() == 0)
        }
    }

    @Test("kill -9 while messages are pending loses none of them after restart")
    func killNine() async throws {
        try await withTemporaryDirectory { dir in
            let maildir = dir.appendingPathComponent("mail")
            let env = ["SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_RETRY_BASE_SECONDS": "1", "SMSRELAY_RETRY_MAX_SECONDS": "1"]
            let server = try await ServeProcess(environment: env)
            // Break the maildir so that every delivery fails and the messages stay pending.
            let tmp = maildir.appendingPathComponent("tmp")
            try FileManager.default.removeItem(at: tmp)
            try Data("not a folder".utf8).write(to: tmp)
            for n in 1...20 {
                #expect(try await server.post(Self.callback(n)) == 200)
            }
            server.kill()
            #expect(try maildirMessages(maildir).isEmpty)

            try FileManager.default.removeItem(at: tmp)
            let restarted = try await ServeProcess(environment: env)
            try await eventually(timeout: .seconds(20), "20 emails after the restart") {
                try maildirMessages(maildir).count == 20
            }
            _ = restarted.terminate()
            let delivered = try maildirMessages(maildir).compactMap { mail -> Int? in
                guard let range = mail.range(of: "mdr1-kill-") else { return nil }
                return Int(mail[range.upperBound...].prefix { $0.isNumber })
            }
            #expect(Set(delivered) == Set(1...20))
        }
    }
}
