import Testing

@testable import SMTPTransport

@Suite("SMTP state machine: PIPELINING")
struct PipeliningTests {
    let two = ["ann@example.com", "bob@example.com"]

    @Test("MAIL FROM, every RCPT TO and DATA go in one write; replies are taken in order")
    func oneWrite() {
        var machine = readyMachine("PIPELINING", "SIZE 100000")
        let action = machine.startTransaction(envelope(to: two, size: 321))
        #expect(action == .send([
            .mail(from: "relay@example.org", parameters: ["SIZE=321"]),
            .recipient("ann@example.com"),
            .recipient("bob@example.com"),
            .data,
        ]))
        #expect(machine.awaitedStep == .mail)
        #expect(machine.receive(reply("250 2.1.0 Ok")) == .readReply)
        #expect(machine.awaitedStep == .recipient)
        #expect(machine.receive(reply("250 2.1.5 Ok")) == .readReply)
        #expect(machine.receive(reply("250 2.1.5 Ok")) == .readReply)
        #expect(machine.awaitedStep == .dataInitiation)
        #expect(machine.receive(reply("354 go ahead")) == .sendMessage)
        #expect(machine.receive(reply("250 2.0.0 queued")).delivery?.accepted == two)
    }

    @Test("the next message after a delivered one is a group without RSET")
    func noResetAfterDelivery() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope())
        for line in ["250 ok", "250 ok", "354 go", "250 queued"] {
            _ = machine.receive(reply(line))
        }
        #expect(machine.startTransaction(envelope()) == .send([
            .mail(from: "relay@example.org", parameters: []), .recipient("ann@example.com"), .data,
        ]))
        #expect(machine.awaitedStep == .mail)
    }

    @Test("the next message after a refused one puts RSET at the head of the group")
    func resetInGroup() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope())
        for line in ["250 ok", "250 ok", "354 go", "451 4.3.0 try later"] {
            _ = machine.receive(reply(line))
        }
        #expect(machine.startTransaction(envelope()) == .send([
            .reset, .mail(from: "relay@example.org", parameters: []), .recipient("ann@example.com"), .data,
        ]))
        #expect(machine.awaitedStep == .command)
        #expect(machine.receive(reply("250 reset")) == .readReply)
        #expect(machine.awaitedStep == .mail)
    }

    @Test("a refused recipient in a group is recorded and the others get the message")
    func partialFailure() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope(to: two))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("550 5.1.1 unknown"))
        _ = machine.receive(reply("250 ok"))
        #expect(machine.receive(reply("354 go")) == .sendMessage)
        let delivery = machine.receive(reply("250 queued")).delivery
        #expect(delivery?.accepted == ["bob@example.com"])
        #expect(delivery?.rejected == ["ann@example.com": "550 5.1.1 unknown"])
    }

    @Test("every recipient refused and DATA refused: the recipients' refusals are reported")
    func allRefusedDataRefused() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope(to: two))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("550 no"))
        _ = machine.receive(reply("550 no"))
        let action = machine.receive(reply("554 5.5.1 No valid recipients"))
        #expect(action.error?.code == .recipientsRefused)
        #expect(action.error?.isTransient == false)
        #expect(machine.isReady)
    }

    @Test("every recipient refused but DATA accepted: the client ends DATA empty, then reports the refusals")
    func allRefusedDataAccepted() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope(to: two))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("450 4.2.0 later"))
        _ = machine.receive(reply("550 no"))
        #expect(machine.receive(reply("354 go")) == .send([.emptyDataTerminator]))
        #expect(SMTPCommand.emptyDataTerminator.bytes == Array(".\r\n".utf8))
        #expect(machine.awaitedStep == .dataTermination)
        let action = machine.receive(reply("554 no recipients"))
        #expect(action.error?.code == .recipientsRefused)
        #expect(action.error?.isTransient == true, "one refusal was 4xx")
        #expect(machine.isReady)
    }

    @Test("MAIL FROM refused in a group: the later replies are read, and MAIL FROM's reply is reported")
    func mailRefusedInGroup() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope(to: two))
        #expect(machine.receive(reply("550 5.7.1 sender refused")) == .readReply)
        #expect(machine.receive(reply("503 5.5.1 need MAIL")) == .readReply)
        #expect(machine.receive(reply("503 5.5.1 need MAIL")) == .readReply)
        let action = machine.receive(reply("503 5.5.1 need RCPT"))
        #expect(action.error?.message == "SMTP server refused the sender MAIL FROM:<relay@example.org>: 550 5.7.1 sender refused")
        #expect(action.error?.isTransient == false)
        #expect(action.disposition == .keep)
    }

    @Test("RSET refused in a group ends the session")
    func resetRefused() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope())
        for line in ["250 ok", "250 ok", "354 go", "452 4.3.1 full"] {
            _ = machine.receive(reply(line))
        }
        #expect(machine.startTransaction(envelope()).commands?.first == .reset)
        _ = machine.receive(reply("500 what"))
        _ = machine.receive(reply("250 ok"))
        _ = machine.receive(reply("250 ok"))
        #expect(machine.receive(reply("354 go")) == .send([.emptyDataTerminator]))
        let action = machine.receive(reply("250 ok"))
        #expect(action.error?.message == "SMTP server refused RSET: 500 what")
        #expect(action.disposition == .quit)
    }

    @Test("421 in the middle of a group stops reading and drops the connection")
    func closingInGroup() {
        var machine = readyMachine("PIPELINING")
        _ = machine.startTransaction(envelope(to: two))
        _ = machine.receive(reply("250 ok"))
        let action = machine.receive(reply("421 4.3.0 shutting down"))
        #expect(action.error?.code == .connectionClosed)
        #expect(action.disposition == .drop)
        #expect(machine.awaitedStep == nil)
    }

    @Test("without PIPELINING advertised, commands go one at a time")
    func notAdvertised() {
        var machine = readyMachine()
        #expect(machine.startTransaction(envelope(to: two)) == .send([.mail(from: "relay@example.org", parameters: [])]))
    }
}
