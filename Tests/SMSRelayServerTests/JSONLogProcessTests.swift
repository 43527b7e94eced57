import Foundation
import TestSupport
import Testing

/// `SMSRELAY_LOG_FORMAT=json` in server mode: every line a JSON object, with the ids a log
/// collector searches by.
@Suite("JSON logs from smsrelay serve", .serialized)
struct JSONLogProcessTests {
    @Test("every log line is one JSON object; a delivery's carries its message and outbox ids; the token never appears")
    func jsonLines() async throws {
        try await withTemporaryDirectory { dir in
            let token = "json-log-token-0123456789abcdef"
            let server = try await ServeProcess(environment: [
                "SMSRELAY_DATA_DIR": dir.path, "SMSRELAY_LOG_FORMAT": "json", "SMSRELAY_LOG_LEVEL": "debug",
                "SMSRELAY_WEBHOOK_TOKEN": token,
            ])
            #expect(try await server.post(IntakeTests.seed) == 200)
            let deadline = ContinuousClock.now + .seconds(20)
            while !server.standardError.contains("message delivered"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(server.terminate() == 0)
            let lines = server.standardError.split(separator: "\n")
            #expect(lines.count >= 3, "\(server.standardError)")
            var objects: [[String: String]] = []
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
                #expect(object != nil, "not a JSON object of strings: \(line)")
                if let object { objects.append(object) }
            }
            for object in objects {
                #expect(object["timestamp"] != nil && object["level"] != nil && object["message"] != nil, "\(object)")
            }
            let delivered = try #require(objects.first { $0["message"] == "message delivered" })
            #expect(delivered["message_id"] == "mdr1-febb118b9b034338adfc662a8c02fd88")
            #expect(delivered["outbox_id"] == "1")
            #expect(delivered["level"] == "INFO")
            #expect(!server.standardError.contains(token) && !server.standardOutput.contains(token))
            #expect(server.standardOutput.contains("listening on"), "the banner stays on standard output, for people")
        }
    }

    @Test("an unknown log format is refused at start-up, naming the setting")
    func unknownFormat() async throws {
        let run = try await CommandRun(["serve", "--port", "0"], environment: ["SMSRELAY_LOG_FORMAT": "xml"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("SMSRELAY_LOG_FORMAT"), "\(run.stderr)")
        #expect(run.stderr.contains("text or json"), "\(run.stderr)")
    }
}
