import Testing

@testable import SMTPTransport

/// Inputs that make no sense where the conversation is: each gets a `.failed` action, never a crash,
/// and leaves the machine in a state where every later input is answered too.
@Suite("SMTP state machine: inputs out of turn")
struct OutOfTurnEventTests {
    let plain = SMTPClientStateMachine.Settings(heloName: "relay.test", tls: .none, hostIsLoopback: true)
    let startTLS = SMTPClientStateMachine.Settings(heloName: "relay.test", tls: .required)

    /// A machine that was told to say STARTTLS and got the server's 220: TLS is being put on.
    func inTLSHandshake() -> SMTPClientStateMachine {
        var machine = SMTPClientStateMachine(settings: startTLS)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("STARTTLS"))
        #expect(machine.receive(reply("220 2.0.0 Ready to start TLS")) == .startTLS)
        return machine
    }

    /// After a failure that leaves the server sane: the driver is to say QUIT.
    func mustQuit() -> SMTPClientStateMachine {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        #expect(machine.receive(reply("554 no service")).disposition == .quit)
        return machine
    }

    /// After a failure that drops the connection.
    func closed() -> SMTPClientStateMachine {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        #expect(machine.receive(reply("421 busy")).disposition == .drop)
        return machine
    }

    /// Checks that the machine is over: nothing awaited, nothing ready, QUIT not possible.
    func expectOver(_ machine: SMTPClientStateMachine, sourceLocation: SourceLocation = #_sourceLocation) {
        var machine = machine
        #expect(!machine.isReady, sourceLocation: sourceLocation)
        #expect(machine.awaitedStep == nil, sourceLocation: sourceLocation)
        #expect(machine.quit() == .closeConnection, sourceLocation: sourceLocation)
    }

    @Test("start() twice is a client error that drops the connection")
    func startTwice() {
        var machine = SMTPClientStateMachine(settings: plain)
        #expect(machine.start() == .readReply)
        let action = machine.start()
        #expect(action == .failed(SMTPError(.protocolViolation, "SMTP client error: the session was started twice", isTransient: true), .drop))
        expectOver(machine)
    }

    @Test("TLS outside STARTTLS is a client error that drops the connection")
    func tlsOutsideStartTLS() {
        let expected = SMTPClientStateMachine.Action.failed(
            SMTPError(.protocolViolation, "SMTP client error: TLS was started outside STARTTLS", isTransient: true), .drop
        )
        var fresh = SMTPClientStateMachine(settings: startTLS)
        #expect(fresh.tlsEstablished() == expected)
        expectOver(fresh)

        var ready = readyMachine()
        #expect(ready.tlsEstablished() == expected)
        expectOver(ready)

        var twice = inTLSHandshake()
        #expect(twice.tlsEstablished() == .send([.ehlo("relay.test")]))
        #expect(twice.tlsEstablished() == expected)
    }

    @Test("a message started while the session is not ready is a client error that drops the connection")
    func messageWhenNotReady() {
        let expected = SMTPClientStateMachine.Action.failed(
            SMTPError(.protocolViolation, "SMTP client error: a message was started while the session was not ready", isTransient: true),
            .drop
        )
        var fresh = SMTPClientStateMachine(settings: plain)
        #expect(fresh.startTransaction(envelope()) == expected)
        expectOver(fresh)

        var settingUp = SMTPClientStateMachine(settings: plain)
        _ = settingUp.start()
        _ = settingUp.receive(reply("220 smtp.test"))
        #expect(settingUp.startTransaction(envelope()) == expected)
        expectOver(settingUp)

        var busy = readyMachine()
        _ = busy.startTransaction(envelope())
        #expect(busy.startTransaction(envelope()) == expected)
        expectOver(busy)

        var handshaking = inTLSHandshake()
        #expect(handshaking.startTransaction(envelope()) == expected)

        var over = closed()
        #expect(over.startTransaction(envelope()) == expected)
    }

    @Test("a reply when none is awaited is a protocol violation in every state that awaits none")
    func replyWhenNoneAwaited() {
        var machines = [
            ("not started", SMTPClientStateMachine(settings: plain)),
            ("ready", readyMachine()),
            ("during the TLS handshake", inTLSHandshake()),
            ("after a failure that asks for QUIT", mustQuit()),
            ("closed", closed()),
        ]
        for index in machines.indices {
            let action = machines[index].1.receive(reply("250 surprise"))
            #expect(
                action == .failed(SMTPError(.protocolViolation, "SMTP server sent a reply (250 surprise) when none was awaited", isTransient: true), .drop),
                "\(machines[index].0)"
            )
            expectOver(machines[index].1)
        }
    }

    @Test("a 421 when none is awaited is a protocol violation too, not a closing session")
    func closingWhenNoneAwaited() {
        var machine = readyMachine()
        #expect(machine.receive(reply("421 4.4.2 idle")).error?.message == "SMTP server sent a reply (421 4.4.2 idle) when none was awaited")
    }

    @Test("the 421 message says where the server closed the session")
    func closingMessages() {
        var greeting = SMTPClientStateMachine(settings: plain)
        _ = greeting.start()
        #expect(greeting.receive(reply("421 busy")).error?.message == "SMTP server closed the session instead of greeting: 421 busy")

        var startingTLS = SMTPClientStateMachine(settings: startTLS)
        _ = startingTLS.start()
        _ = startingTLS.receive(reply("220 smtp.test"))
        _ = startingTLS.receive(ehlo("STARTTLS"))
        #expect(startingTLS.receive(reply("421 bye")).error?.message == "SMTP server closed the session after STARTTLS: 421 bye")

        var reset = readyMachine()
        _ = reset.startTransaction(envelope())
        _ = reset.receive(reply("550 no"))
        _ = reset.startTransaction(envelope())
        #expect(reset.receive(reply("421 bye")).error?.message == "SMTP server closed the session at RSET: 421 bye")

        var message = readyMachine()
        _ = message.startTransaction(envelope())
        for line in ["250 ok", "250 ok", "354 go"] {
            _ = message.receive(reply(line))
        }
        #expect(message.receive(reply("421 bye")).error?.message == "SMTP server closed the session after the message: 421 bye")
    }

    @Test("QUIT answered with anything, 421 included, closes the connection")
    func quitAnswered() {
        var machine = readyMachine()
        #expect(machine.quit() == .send([.quit]))
        #expect(machine.receive(reply("421 bye anyway")) == .closeConnection)
        expectOver(machine)
    }

    @Test("QUIT after a failure that asks for it; a second quit() only closes")
    func quitAfterFailure() {
        var machine = mustQuit()
        #expect(machine.awaitedStep == nil)
        #expect(machine.quit() == .send([.quit]))
        #expect(machine.awaitedStep == .command)
        #expect(machine.quit() == .closeConnection, "QUIT is said once")
        expectOver(machine)
    }

    @Test("quit() while a reply is awaited, or during the TLS handshake, closes without a word")
    func quitWhileBusy() {
        var greeting = SMTPClientStateMachine(settings: plain)
        _ = greeting.start()
        #expect(greeting.quit() == .closeConnection)
        expectOver(greeting)

        var transaction = readyMachine()
        _ = transaction.startTransaction(envelope())
        #expect(transaction.quit() == .closeConnection)
        expectOver(transaction)

        var handshaking = inTLSHandshake()
        #expect(handshaking.awaitedStep == nil)
        #expect(handshaking.quit() == .closeConnection, "no plain-text QUIT in the middle of a TLS handshake")

        var fresh = SMTPClientStateMachine(settings: plain)
        #expect(fresh.quit() == .closeConnection, "nothing to say before the greeting")
    }

    @Test("mailAccepted outlives the transaction: kept through a 421 that drops the session, reset by the next message")
    func mailAcceptedKept() {
        var afterMail = readyMachine()
        _ = afterMail.startTransaction(envelope())
        _ = afterMail.receive(reply("250 ok"))
        #expect(afterMail.mailAccepted)
        #expect(afterMail.receive(reply("421 4.3.0 going down")).disposition == .drop)
        #expect(afterMail.mailAccepted, "the server had the sender: retrying on a new connection is not safe")
        _ = afterMail.quit()
        #expect(afterMail.mailAccepted)

        var atMail = readyMachine()
        _ = atMail.startTransaction(envelope())
        #expect(atMail.receive(reply("421 4.3.0 going down")).disposition == .drop)
        #expect(!atMail.mailAccepted)

        var refusedReset = readyMachine("PIPELINING")
        _ = refusedReset.startTransaction(envelope())
        for line in ["250 ok", "250 ok", "354 go", "451 later"] {
            _ = refusedReset.receive(reply(line))
        }
        #expect(refusedReset.mailAccepted, "a refused message still got past MAIL FROM")
        _ = refusedReset.startTransaction(envelope())
        #expect(!refusedReset.mailAccepted)
        for line in ["500 no RSET", "250 ok", "250 ok", "354 go", "250 ok"] {
            _ = refusedReset.receive(reply(line))
        }
        #expect(refusedReset.mailAccepted)
        #expect(refusedReset.quit() == .send([.quit]))
        #expect(refusedReset.mailAccepted)
    }

    @Test("a refusal caught before any command leaves the session as it was")
    func refusalBeforeCommands() {
        var machine = readyMachine("SIZE 100")
        _ = machine.startTransaction(envelope(size: 50))
        for line in ["250 ok", "250 ok", "354 go", "250 queued"] {
            _ = machine.receive(reply(line))
        }
        #expect(machine.startTransaction(envelope(size: 500)).disposition == .keep)
        #expect(machine.isReady)
        #expect(machine.mailAccepted, "still the last transaction's")
        #expect(machine.startTransaction(envelope(size: 50)) == .send([.mail(from: "relay@example.org", parameters: ["SIZE=50"])]), "no RSET: nothing was sent")
    }

    @Test("once the session is over it offers nothing and is no longer encrypted")
    func overForgetsTheSession() {
        var machine = SMTPClientStateMachine(settings: .init(tls: .implicit))
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("SIZE 1000"))
        #expect(machine.isEncrypted)
        #expect(machine.capabilities.maximumSize == 1000)
        _ = machine.quit()
        _ = machine.receive(reply("221 bye"))
        #expect(!machine.isEncrypted)
        #expect(machine.capabilities == .none)
    }
}
