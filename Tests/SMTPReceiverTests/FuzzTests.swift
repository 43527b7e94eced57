import Testing

@testable import SMTPReceiver

/// Random and mutated command sequences through the machine: it never traps, every reply has a
/// three-digit code of 2xx–5xx on well-formed lines, and it asks for nothing out of turn.
@Suite("SMTP server fuzz")
struct FuzzTests {
    static let seeds = [
        "EHLO client.test\r\n", "HELO c\r\n", "MAIL FROM:<a@b.test>\r\n", "MAIL FROM:<> SIZE=10 BODY=8BITMIME\r\n",
        "RCPT TO:<x@mx.test>\r\n", "RCPT TO:<@r:x@mx.test>\r\n", "DATA\r\n", "hello\r\n", "..dot\r\n", ".\r\n",
        "RSET\r\n", "NOOP\r\n", "VRFY x\r\n", "HELP\r\n", "STARTTLS\r\n", "AUTH PLAIN\r\n", "QUIT\r\n",
        "MAIL FROM:<jörg@b.test> SMTPUTF8\r\n", "\r\n", "\n", "\r", ".", "<", ">", ":", "=", " ",
    ]

    /// A small deterministic generator (SplitMix64), so a failure can be replayed from its seed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// A seed line, mutated: a byte flipped, inserted or removed, or cut short.
    static func mutated(_ random: inout Random) -> [UInt8] {
        var bytes = Array(seeds[random.below(seeds.count)].utf8)
        for _ in 0..<random.below(3) {
            switch random.below(4) {
            case 0 where !bytes.isEmpty: bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes.insert(UInt8(truncatingIfNeeded: random.next()), at: random.below(bytes.count + 1))
            case 2 where !bytes.isEmpty: bytes.remove(at: random.below(bytes.count))
            default: bytes = Array(bytes.prefix(random.below(bytes.count + 1)))
            }
        }
        return bytes
    }

    @Test("4000 random sessions never trap and answer with three-digit codes", arguments: 0..<4)
    func randomSessions(batch: UInt64) {
        var random = Random(state: 0x5EED_0000 + batch)
        for _ in 0..<1000 {
            var settings = SMTPServerStateMachine.Settings.test(maximumMessageSize: 200, maximumRecipients: 3, badCommandDelay: .milliseconds(1))
            settings.maximumPendingInput = 1024
            var conversation = Conversation(settings)
            let verdicts: [SMTPVerdict] = [.accept, .noSuchUser(), .temporaryFailure("x"), .refuse(code: 99, enhanced: "junk", text: "\r\n")]
            let pick = random.below(verdicts.count)
            conversation.recipientVerdict = { _ in verdicts[pick] }
            conversation.messageVerdict = { _ in verdicts[(pick + 1) % verdicts.count] }
            var replies: [SMTPServerReply] = []
            for _ in 0..<(1 + random.below(30)) where !conversation.closed {
                var read: [UInt8] = []
                for _ in 0..<(1 + random.below(4)) {
                    read += Self.mutated(&random)
                }
                replies += conversation.say(bytes: read)
                if random.below(50) == 0 {
                    replies += conversation.settle(conversation.machine.timedOut())
                }
            }
            replies += conversation.settle(conversation.machine.shutdown())
            for reply in replies {
                #expect((200...599).contains(reply.code))
                let text = reply.text
                let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropLast()
                #expect(text.hasSuffix("\r\n"))
                #expect(lines.allSatisfy { $0.utf8.count <= 512 && $0.prefix(3) == Substring(String(reply.code)) && !$0.contains("\n") && !$0.contains("\r") })
            }
            #expect(conversation.delivered.allSatisfy { $0.bytes.count <= 200 && !$0.envelope.recipients.isEmpty })
        }
    }
}
