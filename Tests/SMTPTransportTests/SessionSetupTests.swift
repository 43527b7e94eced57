import Testing

@testable import SMTPTransport

@Suite("SMTP state machine: greeting, EHLO, HELO and STARTTLS")
struct SessionSetupTests {
    let plain = SMTPClientStateMachine.Settings(heloName: "relay.test", tls: .none, hostIsLoopback: true)
    let startTLS = SMTPClientStateMachine.Settings(heloName: "relay.test", tls: .required)

    @Test("the client waits for the greeting, then says EHLO with its name")
    func greetingThenEHLO() {
        var machine = SMTPClientStateMachine(settings: plain)
        #expect(machine.start() == .readReply)
        #expect(machine.awaitedStep == .greeting)
        #expect(machine.receive(reply("220 smtp.test ESMTP ready")) == .send([.ehlo("relay.test")]))
        #expect(machine.awaitedStep == .command)
        let action = machine.receive(reply("250-smtp.test", "250-SIZE 1000", "250 8BITMIME"))
        #expect(action == .sessionReady(SMTPCapabilities(extensions: ["SIZE": ["1000"], "8BITMIME": []])))
        #expect(machine.isReady)
        #expect(machine.awaitedStep == nil)
    }

    @Test("a multi-line greeting is one reply")
    func multiLineGreeting() {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        #expect(machine.receive(reply("220-smtp.test ESMTP", "220-no UCE", "220 welcome")) == .send([.ehlo("relay.test")]))
    }

    @Test(
        "a refused greeting fails: 5xx permanent, 4xx transient, and the client says QUIT",
        arguments: [("554 5.7.1 No service for you", false), ("450 4.3.2 Busy, try later", true)]
    )
    func refusedGreeting(line: String, transient: Bool) {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        let action = machine.receive(reply(line))
        #expect(action.error?.isTransient == transient)
        #expect(action.error?.message == "SMTP server refused the connection: \(line)")
        #expect(action.disposition == .quit)
        #expect(machine.quit() == .send([.quit]))
        #expect(machine.receive(reply("221 bye")) == .closeConnection)
    }

    @Test("a 421 greeting closes the connection at once, transiently")
    func closingGreeting() {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        let action = machine.receive(reply("421 4.3.2 Too many connections"))
        #expect(action.error?.code == .connectionClosed)
        #expect(action.error?.isTransient == true)
        #expect(action.error?.message.contains("421 4.3.2 Too many connections") == true)
        #expect(action.disposition == .drop)
        #expect(machine.quit() == .closeConnection)
    }

    @Test("a 3xx greeting is a protocol violation")
    func intermediateGreeting() {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        let action = machine.receive(reply("354 what"))
        #expect(action.error?.code == .protocolViolation)
        #expect(action.disposition == .drop)
    }

    @Test("EHLO answered 500 or 502 falls back to HELO", arguments: ["500 5.5.1 Command unrecognized", "502 5.5.2 Not implemented"])
    func heloFallback(line: String) {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        _ = machine.receive(reply("220 old.server"))
        #expect(machine.receive(reply(line)) == .send([.helo("relay.test")]))
        #expect(machine.receive(reply("250 old.server")) == .sessionReady(.none))
        #expect(machine.capabilities == .none)
    }

    @Test(
        "EHLO refused with anything but 500/502 does not fall back to HELO",
        arguments: [("501 5.5.4 Syntax error", false), ("504 5.5.2 Bad hostname", false), ("550 5.7.1 Go away", false), ("451 4.3.0 Try later", true)]
    )
    func ehloRefused(line: String, transient: Bool) {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        let action = machine.receive(reply(line))
        #expect(action.error?.message == "SMTP server refused EHLO: \(line)")
        #expect(action.error?.isTransient == transient)
        #expect(action.disposition == .quit)
    }

    @Test("HELO refused fails with the server's reply")
    func heloRefused() {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        _ = machine.receive(reply("220 old.server"))
        _ = machine.receive(reply("502 no"))
        let action = machine.receive(reply("550 not you"))
        #expect(action.error?.message == "SMTP server refused HELO: 550 not you")
        #expect(action.error?.isTransient == false)
    }

    @Test("with tls=required the client says STARTTLS, upgrades, then says EHLO again")
    func startTLSFlow() {
        var machine = SMTPClientStateMachine(settings: startTLS)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        #expect(!machine.isEncrypted)
        #expect(machine.receive(ehlo("STARTTLS", "SIZE 1000")) == .send([.startTLS]))
        #expect(machine.receive(reply("220 2.0.0 Ready to start TLS")) == .startTLS)
        #expect(machine.tlsEstablished() == .send([.ehlo("relay.test")]))
        #expect(machine.isEncrypted)
        #expect(machine.capabilities == .none, "capabilities from before TLS are forgotten")
        let action = machine.receive(ehlo("SIZE 2000", "AUTH PLAIN"))
        #expect(action.isSessionReady)
        #expect(machine.capabilities.maximumSize == 2000)
    }

    @Test("with tls=required and no STARTTLS offered the session fails permanently, saying why")
    func startTLSRequiredButMissing() {
        var machine = SMTPClientStateMachine(settings: startTLS)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        let action = machine.receive(ehlo("SIZE 1000", "AUTH PLAIN"))
        #expect(action.error?.code == .tlsUnavailable)
        #expect(action.error?.isTransient == false)
        #expect(action.error?.message.contains("does not offer STARTTLS") == true)
        #expect(action.error?.message.contains("tls=required") == true)
        #expect(action.disposition == .quit)
    }

    @Test("after HELO there is no STARTTLS, so tls=required fails")
    func heloCannotStartTLS() {
        var machine = SMTPClientStateMachine(settings: startTLS)
        _ = machine.start()
        _ = machine.receive(reply("220 old.server"))
        _ = machine.receive(reply("500 what?"))
        #expect(machine.receive(reply("250 old.server")).error?.code == .tlsUnavailable)
    }

    @Test("STARTTLS refused: 4xx transient and 5xx permanent with tls=required", arguments: [("454 4.7.0 TLS not available", true), ("501 5.5.4 No", false)])
    func startTLSRefused(line: String, transient: Bool) {
        var machine = SMTPClientStateMachine(settings: startTLS)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("STARTTLS"))
        let action = machine.receive(reply(line))
        #expect(action.error?.message == "SMTP server refused STARTTLS: \(line)")
        #expect(action.error?.isTransient == transient)
    }

    @Test("with tls=opportunistic the client goes on in plain text when STARTTLS is missing or refused")
    func opportunistic() {
        let settings = SMTPClientStateMachine.Settings(tls: .opportunistic)
        var missing = SMTPClientStateMachine(settings: settings)
        _ = missing.start()
        _ = missing.receive(reply("220 smtp.test"))
        #expect(missing.receive(ehlo("SIZE 10")).isSessionReady)
        #expect(!missing.isEncrypted)

        var refused = SMTPClientStateMachine(settings: settings)
        _ = refused.start()
        _ = refused.receive(reply("220 smtp.test"))
        #expect(refused.receive(ehlo("STARTTLS")) == .send([.startTLS]))
        #expect(refused.receive(reply("454 4.7.0 not now")).isSessionReady)
        #expect(!refused.isEncrypted)
    }

    @Test("with implicit TLS the client never says STARTTLS, even when offered")
    func implicitTLS() {
        var machine = SMTPClientStateMachine(settings: .init(tls: .implicit))
        #expect(machine.isEncrypted)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        #expect(machine.receive(ehlo("STARTTLS")).isSessionReady)
    }

    @Test("with tls=none the client never says STARTTLS")
    func noTLS() {
        var machine = SMTPClientStateMachine(settings: plain)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        #expect(machine.receive(ehlo("STARTTLS")).isSessionReady)
    }

    @Test("a 2xx reply that arrives when none is awaited is a protocol violation")
    func unsolicitedReply() {
        var machine = readyMachine()
        let action = machine.receive(reply("250 surprise"))
        #expect(action.error?.code == .protocolViolation)
        #expect(action.disposition == .drop)
    }

    @Test("QUIT is sent and its reply closes the connection")
    func quit() {
        var machine = readyMachine()
        #expect(machine.quit() == .send([.quit]))
        #expect(machine.awaitedStep == .command)
        #expect(machine.receive(reply("221 2.0.0 Bye")) == .closeConnection)
        #expect(!machine.isReady)
    }
}
