import Foundation
import Testing

@testable import SMTPTransport

/// A reply written the way a server sends it: `reply("250-smtp.test", "250 PIPELINING")`.
func reply(_ lines: String...) -> SMTPReply {
    var parser = SMTPReplyParser()
    for line in lines {
        do {
            if let reply = try parser.feed(line) {
                return reply
            }
        } catch {
            Issue.record("not a reply line: \(line)")
        }
    }
    Issue.record("the reply is not complete: \(lines)")
    return SMTPReply(code: 0, lines: [])
}

/// An EHLO reply listing `extensions`.
func ehlo(_ extensions: String...) -> SMTPReply {
    let lines = ["smtp.test greets client.example"] + extensions
    return SMTPReply(code: 250, lines: lines)
}

extension SMTPClientStateMachine.Action {
    /// The error of a `.failed` action.
    var error: SMTPError? {
        if case .failed(let error, _) = self { return error }
        return nil
    }

    var disposition: SMTPClientStateMachine.Disposition? {
        if case .failed(_, let disposition) = self { return disposition }
        return nil
    }

    var commands: [SMTPCommand]? {
        if case .send(let commands) = self { return commands }
        return nil
    }

    var isSessionReady: Bool {
        if case .sessionReady = self { return true }
        return false
    }

    var delivery: SMTPClientStateMachine.Delivery? {
        if case .delivered(let delivery) = self { return delivery }
        return nil
    }
}

let testCredentials = SMTPConfiguration.Credentials(user: "relay@example.org", password: "s3cret pass")

/// A machine that went through greeting and EHLO (offering `extensions`) and is ready.
func readyMachine(
    _ extensions: String...,
    settings: SMTPClientStateMachine.Settings = .init(tls: .none, hostIsLoopback: true)
) -> SMTPClientStateMachine {
    var machine = SMTPClientStateMachine(settings: settings)
    _ = machine.start()
    _ = machine.receive(reply("220 smtp.test ESMTP"))
    let action = machine.receive(SMTPReply(code: 250, lines: ["smtp.test"] + extensions))
    #expect(action.isSessionReady, "the session is ready after EHLO: \(action)")
    return machine
}

func envelope(
    from sender: String = "relay@example.org",
    to recipients: [String] = ["ann@example.com"],
    size: Int = 100,
    eightBit: Bool = false,
    longestLine: Int = 70
) -> SMTPEnvelope {
    SMTPEnvelope(sender: sender, recipients: recipients, messageSize: size, containsEightBitData: eightBit, longestLine: longestLine)
}

func base64(_ text: String) -> String {
    Data(text.utf8).base64EncodedString()
}
