import Testing

@testable import SMTPTransport

@Suite("SMTP state machine: MAIL, RCPT and DATA, one command at a time")
struct TransactionTests {
    @Test("a message goes MAIL FROM → RCPT TO each → DATA → message, each with its time limit")
    func happyPath() {
        var machine = readyMachine()
        let start = machine.startTransaction(envelope(to: ["ann@example.com", "bob@example.com"]))
        #expect(start == .send([.mail(from: "relay@example.org", parameters: [])]))
        #expect(machine.awaitedStep == .mail)
        #expect(machine.receive(reply("250 2.1.0 Ok")) == .send([.recipient("ann@example.com")]))
        #expect(machine.awaitedStep == .recipient)
        #expect(machine.receive(reply("250 2.1.5 Ok")) == .send([.recipient("bob@example.com")]))
        #expect(machine.receive(reply("250 2.1.5 Ok")) == .send([.data]))
        #expect(machine.awaitedStep == .dataInitiation)
        #expect(machine.receive(reply("354 End data with <CR><LF>.<CR><LF>")) == .sendMessage)
        #expect(machine.awaitedStep == .dataTermination)
        let done = machine.receive(reply("250 2.0.0 Ok: queued as 4BQ1xH"))
        #expect(done.delivery == .init(
            accepted: ["ann@example.com", "bob@example.com"], rejected: [:], reply: reply("250 2.0.0 Ok: queued as 4BQ1xH")
        ))
        #expect(machine.isReady)
        #expect(machine.mailAccepted)
    }

    @Test("after a delivered message the next one starts with MAIL FROM: no RSET")
    func noResetAfterDelivery() {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope())
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("354 go"))
        _ = machine.receive(reply("250 queued"))
        #expect(machine.startTransaction(envelope()) == .send([.mail(from: "relay@example.org", parameters: [])]))
        #expect(!machine.mailAccepted)
    }

    @Test("after a refused message the next one starts with RSET")
    func resetAfterFailure() {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope())
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("354 go"))
        #expect(machine.receive(reply("554 5.7.1 spam")).error?.isTransient == false)
        #expect(machine.startTransaction(envelope()) == .send([.reset]))
        #expect(!machine.mailAccepted)
        #expect(machine.receive(reply("250 2.0.0 Ok")) == .send([.mail(from: "relay@example.org", parameters: [])]))
    }

    @Test("a 5xx to one RCPT does not stop the others; the refusal is in the delivery")
    func partialRecipients() {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope(to: ["gone@example.com", "ann@example.com"]))
        _ = machine.receive(reply("250 ok"))
        #expect(machine.receive(reply("550 5.1.1 <gone@example.com>: User unknown")) == .send([.recipient("ann@example.com")]))
        #expect(machine.receive(reply("250 ok")) == .send([.data]))
        _ = machine.receive(reply("354 go"))
        let delivery = machine.receive(reply("250 queued")).delivery
        #expect(delivery?.accepted == ["ann@example.com"])
        #expect(delivery?.rejected == ["gone@example.com": "550 5.1.1 <gone@example.com>: User unknown"])
    }

    @Test("every recipient refused with 5xx fails permanently without DATA, and the session stays usable")
    func allRecipientsRefusedPermanently() {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope(to: ["a@example.com", "b@example.com"]))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("550 5.1.1 no a"))
        let action = machine.receive(reply("553 5.1.3 no b"))
        #expect(action.error?.code == .recipientsRefused)
        #expect(action.error?.isTransient == false)
        #expect(action.error?.message == "SMTP server refused every recipient: a@example.com (550 5.1.1 no a); b@example.com (553 5.1.3 no b)")
        #expect(action.disposition == .keep)
        #expect(machine.isReady)
        #expect(machine.startTransaction(envelope()) == .send([.reset]))
    }

    @Test("every recipient refused, one of them with 4xx, fails transiently")
    func allRecipientsRefusedTransiently() {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope(to: ["a@example.com", "b@example.com"]))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("550 5.1.1 no a"))
        let action = machine.receive(reply("452 4.2.2 mailbox full"))
        #expect(action.error?.code == .recipientsRefused)
        #expect(action.error?.isTransient == true)
    }

    @Test("MAIL FROM refused: 5xx permanent, 4xx transient, with the reply", arguments: [("550 5.7.1 Sender rejected", false), ("451 4.7.1 Greylisted", true)])
    func mailRefused(line: String, transient: Bool) {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope())
        let action = machine.receive(reply(line))
        #expect(action.error?.message == "SMTP server refused the sender MAIL FROM:<relay@example.org>: \(line)")
        #expect(action.error?.isTransient == transient)
        #expect(action.disposition == .keep)
        #expect(!machine.mailAccepted)
    }

    @Test("DATA refused: 5xx permanent, 4xx transient", arguments: [("554 5.5.1 No valid recipients", false), ("451 4.3.0 Try again", true)])
    func dataRefused(line: String, transient: Bool) {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope())
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("250 ok"))
        let action = machine.receive(reply(line))
        #expect(action.error?.message == "SMTP server refused DATA: \(line)")
        #expect(action.error?.isTransient == transient)
    }

    @Test("the message refused after its end: 5xx permanent, 4xx transient", arguments: [("552 5.3.4 Message too big", false), ("451 4.3.0 Queue full", true)])
    func messageRefused(line: String, transient: Bool) {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope())
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("354 go"))
        let action = machine.receive(reply(line))
        #expect(action.error?.message == "SMTP server refused the message: \(line)")
        #expect(action.error?.isTransient == transient)
        #expect(action.disposition == .keep)
    }

    @Test("a 2xx or 3xx where it makes no sense is a protocol violation that drops the connection")
    func outOfTurnReplies() {
        var atMail = readyMachine()
        _ = atMail.startTransaction(envelope())
        #expect(atMail.receive(reply("354 eh")).error?.code == .protocolViolation)

        var atData = readyMachine()
        _ = atData.startTransaction(envelope())
        _ = atData.receive(reply("250 ok"))
        _ = atData.receive(reply("250 ok"))
        let action = atData.receive(reply("250 ok?"))
        #expect(action.error?.code == .protocolViolation)
        #expect(action.disposition == .drop)
    }

    @Test("421 in the middle of a transaction closes the session, transiently")
    func serviceClosing() {
        var machine = readyMachine()
        _ = machine.startTransaction(envelope())
        _ = machine.receive(reply("250 ok"))
        let action = machine.receive(reply("421 4.4.2 Timeout, closing"))
        #expect(action.error?.code == .connectionClosed)
        #expect(action.error?.isTransient == true)
        #expect(action.disposition == .drop)
        #expect(!machine.isReady)
    }

    @Test("a message larger than the advertised SIZE fails permanently before any command")
    func sizeLimit() {
        var machine = readyMachine("SIZE 1000")
        let action = machine.startTransaction(envelope(size: 1001))
        #expect(action.error?.code == .messageTooLarge)
        #expect(action.error?.isTransient == false)
        #expect(action.error?.message.contains("1001") == true)
        #expect(action.disposition == .keep)
        #expect(machine.isReady)
        #expect(machine.startTransaction(envelope(size: 1000)) == .send([.mail(from: "relay@example.org", parameters: ["SIZE=1000"])]))
    }

    @Test("SIZE without a limit still gets the message size in MAIL FROM")
    func sizeWithoutLimit() {
        var machine = readyMachine("SIZE")
        #expect(machine.startTransaction(envelope(size: 5_000_000)) == .send([.mail(from: "relay@example.org", parameters: ["SIZE=5000000"])]))
    }

    @Test("8-bit data is declared with BODY=8BITMIME when offered, and refused when not")
    func eightBit() {
        var offering = readyMachine("8BITMIME")
        #expect(offering.startTransaction(envelope(eightBit: true)) == .send([.mail(from: "relay@example.org", parameters: ["BODY=8BITMIME"])]))
        var sevenBitOnly = readyMachine()
        let action = sevenBitOnly.startTransaction(envelope(eightBit: true))
        #expect(action.error?.code == .messageUnsendable)
        #expect(action.error?.message.contains("8BITMIME") == true)
        var plain = readyMachine("8BITMIME")
        #expect(plain.startTransaction(envelope()) == .send([.mail(from: "relay@example.org", parameters: [])]))
    }

    @Test("a line longer than 998 octets is refused before MAIL FROM")
    func longLine() {
        var machine = readyMachine()
        #expect(machine.startTransaction(envelope(longestLine: 999)).error?.code == .messageUnsendable)
        #expect(machine.startTransaction(envelope(longestLine: 998)).commands != nil)
    }

    @Test(
        "addresses that could smuggle commands are refused",
        arguments: ["ann@example.com>\r\nRCPT TO:<evil@example.net", "ann @example.com", "<ann@example.com>", ""]
    )
    func badAddresses(address: String) {
        var recipient = readyMachine()
        #expect(recipient.startTransaction(envelope(to: [address])).error?.code == .messageUnsendable)
        if !address.isEmpty {
            var sender = readyMachine()
            #expect(sender.startTransaction(envelope(from: address)).error?.code == .messageUnsendable)
        }
    }

    @Test("the null sender is allowed")
    func nullSender() {
        var machine = readyMachine()
        #expect(machine.startTransaction(envelope(from: "")) == .send([.mail(from: "", parameters: [])]))
        #expect(SMTPCommand.mail(from: "", parameters: []).line == "MAIL FROM:<>")
    }

    @Test("a UTF-8 address needs SMTPUTF8 and declares it")
    func utf8Address() {
        var without = readyMachine()
        #expect(without.startTransaction(envelope(to: ["josé@example.com"])).error?.code == .messageUnsendable)
        var with = readyMachine("SMTPUTF8")
        #expect(with.startTransaction(envelope(to: ["josé@example.com"])) == .send([.mail(from: "relay@example.org", parameters: ["SMTPUTF8"])]))
    }

    @Test("an email without recipients is refused; duplicate recipients get one RCPT")
    func recipients() {
        var machine = readyMachine("PIPELINING")
        #expect(machine.startTransaction(envelope(to: [])).error?.code == .messageUnsendable)
        let action = machine.startTransaction(envelope(to: ["ann@example.com", "ANN@example.com", "bob@example.com"]))
        #expect(action.commands?.filter { if case .recipient = $0 { true } else { false } }.count == 2)
    }
}
