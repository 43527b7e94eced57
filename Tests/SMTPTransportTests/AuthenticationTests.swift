import Testing

@testable import SMTPTransport

@Suite("SMTP state machine: AUTH PLAIN and LOGIN")
struct AuthenticationTests {
    /// A machine over STARTTLS that has just sent its second EHLO.
    func afterTLS(
        credentials: SMTPConfiguration.Credentials? = testCredentials,
        mechanism: SMTPConfiguration.AuthMechanism? = nil
    ) -> SMTPClientStateMachine {
        var machine = SMTPClientStateMachine(
            settings: .init(tls: .required, credentials: credentials, authMechanism: mechanism, names: .relay))
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("STARTTLS"))
        _ = machine.receive(reply("220 go ahead"))
        _ = machine.tlsEstablished()
        return machine
    }

    @Test("AUTH PLAIN sends user and password as its initial response; 235 makes the session ready")
    func plain() {
        var machine = afterTLS()
        let action = machine.receive(ehlo("AUTH LOGIN PLAIN"))
        #expect(action == .send([.authPlain(initialResponse: base64("\0relay@example.org\0s3cret pass"))]))
        #expect(machine.receive(reply("235 2.7.0 Authentication successful")).isSessionReady)
    }

    @Test("AUTH PLAIN refused with 535 is permanent and says what to check")
    func plainRefused() {
        var machine = afterTLS()
        _ = machine.receive(ehlo("AUTH PLAIN"))
        let action = machine.receive(reply("535 5.7.8 Authentication credentials invalid"))
        #expect(action.error == SMTPError(
            .authenticationFailed,
            "SMTP server refused AUTH PLAIN: 535 5.7.8 Authentication credentials invalid; check the user and password in SMSRELAY_SMTP_URL",
            isTransient: false
        ))
        #expect(action.disposition == .quit)
        #expect(action.error?.message.contains("s3cret") == false)
    }

    @Test("AUTH refused with 454 is transient")
    func authTemporaryFailure() {
        var machine = afterTLS()
        _ = machine.receive(ehlo("AUTH PLAIN"))
        let action = machine.receive(reply("454 4.7.0 Temporary authentication failure"))
        #expect(action.error?.code == .authenticationFailed)
        #expect(action.error?.isTransient == true)
    }

    @Test("a 334 challenge after AUTH PLAIN with its initial response is a protocol violation")
    func plainUnexpectedChallenge() {
        var machine = afterTLS()
        _ = machine.receive(ehlo("AUTH PLAIN"))
        #expect(machine.receive(reply("334 ")).error?.code == .protocolViolation)
    }

    @Test("AUTH LOGIN answers the user and password challenges in turn")
    func login() {
        var machine = afterTLS(mechanism: .login)
        #expect(machine.receive(ehlo("AUTH PLAIN LOGIN")) == .send([.authLogin]))
        #expect(machine.receive(reply("334 VXNlcm5hbWU6")) == .send([.authResponse(base64("relay@example.org"))]))
        #expect(machine.receive(reply("334 UGFzc3dvcmQ6")) == .send([.authResponse(base64("s3cret pass"))]))
        #expect(machine.receive(reply("235 2.7.0 Accepted")).isSessionReady)
    }

    @Test("AUTH LOGIN refused after the password is permanent")
    func loginRefused() {
        var machine = afterTLS(mechanism: .login)
        _ = machine.receive(ehlo("AUTH LOGIN"))
        _ = machine.receive(reply("334 VXNlcm5hbWU6"))
        _ = machine.receive(reply("334 UGFzc3dvcmQ6"))
        let action = machine.receive(reply("535 5.7.8 Bad credentials"))
        #expect(action.error?.message == "SMTP server refused AUTH LOGIN: 535 5.7.8 Bad credentials; check the user and password in SMSRELAY_SMTP_URL")
        #expect(action.error?.isTransient == false)
    }

    @Test("AUTH LOGIN answered 235 before the password is a protocol violation")
    func loginEarlySuccess() {
        var machine = afterTLS(mechanism: .login)
        _ = machine.receive(ehlo("AUTH LOGIN"))
        #expect(machine.receive(reply("235 ok?")).error?.code == .protocolViolation)
    }

    @Test("without a mechanism in the URL the client picks PLAIN, else LOGIN")
    func bestMechanism() {
        var both = afterTLS()
        #expect(both.receive(ehlo("AUTH CRAM-MD5 LOGIN PLAIN")).commands?.first?.description == "AUTH PLAIN <redacted>")
        var loginOnly = afterTLS()
        #expect(loginOnly.receive(ehlo("AUTH LOGIN CRAM-MD5")) == .send([.authLogin]))
        var oldSyntax = afterTLS()
        #expect(oldSyntax.receive(ehlo("AUTH=LOGIN")) == .send([.authLogin]))
    }

    @Test("a mechanism the server does not offer is a permanent error naming what it offers")
    func mechanismNotOffered() {
        var machine = afterTLS(mechanism: .plain)
        let action = machine.receive(ehlo("AUTH LOGIN CRAM-MD5"))
        #expect(action.error?.code == .authenticationUnavailable)
        #expect(action.error?.isTransient == false)
        #expect(action.error?.message.contains("CRAM-MD5 LOGIN") == true)

        var unsupported = afterTLS()
        #expect(unsupported.receive(ehlo("AUTH CRAM-MD5 XOAUTH2")).error?.code == .authenticationUnavailable)
    }

    @Test("credentials given but no AUTH advertised is a permanent error")
    func noAuthAdvertised() {
        var machine = afterTLS()
        let action = machine.receive(ehlo("SIZE 100"))
        #expect(action.error?.code == .authenticationUnavailable)
        #expect(action.error?.isTransient == false)
        #expect(action.error?.message.contains("offers no AUTH") == true)
    }

    @Test("without credentials the client does not authenticate even when AUTH is offered")
    func noCredentials() {
        var machine = afterTLS(credentials: nil)
        #expect(machine.receive(ehlo("AUTH PLAIN")).isSessionReady)
    }

    @Test("credentials are never sent over plain text when STARTTLS is missing (tls=opportunistic)")
    func noCredentialsInClear() {
        var machine = SMTPClientStateMachine(settings: .init(tls: .opportunistic, credentials: testCredentials))
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        let action = machine.receive(ehlo("AUTH PLAIN LOGIN"))
        #expect(action.error?.code == .authenticationUnavailable)
        #expect(action.error?.isTransient == false)
        #expect(action.error?.message.contains("not encrypted") == true)
    }

    @Test("credentials go over plain text only with tls=none to a loopback host")
    func loopbackPlainText() {
        var loopback = SMTPClientStateMachine(settings: .init(tls: .none, credentials: testCredentials, hostIsLoopback: true))
        _ = loopback.start()
        _ = loopback.receive(reply("220 localhost"))
        #expect(loopback.receive(ehlo("AUTH PLAIN")).commands?.count == 1)

        var remote = SMTPClientStateMachine(settings: .init(tls: .none, credentials: testCredentials, hostIsLoopback: false))
        _ = remote.start()
        _ = remote.receive(reply("220 smtp.test"))
        #expect(remote.receive(ehlo("AUTH PLAIN")).error?.code == .authenticationUnavailable)
    }

    @Test("the password file is named when it was the source of a refused password")
    func passwordFileNamed() {
        var settings = SMTPClientStateMachine.Settings(tls: .implicit, credentials: testCredentials)
        settings.passwordSetting = "SMSRELAY_SMTP_PASSWORD_FILE"
        var machine = SMTPClientStateMachine(settings: settings)
        _ = machine.start()
        _ = machine.receive(reply("220 smtp.test"))
        _ = machine.receive(ehlo("AUTH PLAIN"))
        #expect(machine.receive(reply("535 no")).error?.message.hasSuffix("check the user and password in SMSRELAY_SMTP_PASSWORD_FILE") == true)
    }

    @Test("commands that carry credentials are redacted in their descriptions")
    func redactedCommands() {
        let plain = SMTPCommand.authPlain(initialResponse: base64("\0u\0p"))
        #expect(plain.description == "AUTH PLAIN <redacted>")
        #expect(plain.line == "AUTH PLAIN \(base64("\0u\0p"))")
        #expect(SMTPCommand.authResponse("c2VjcmV0").description == "<redacted>")
        #expect(SMTPCommand.mail(from: "a@b", parameters: ["SIZE=10"]).description == "MAIL FROM:<a@b> SIZE=10")

        let action = SMTPClientStateMachine.Action.send([plain, .authResponse("c2VjcmV0")])
        var dumped = ""
        dump(action, to: &dumped)
        for text in [dumped, String(describing: action), String(reflecting: action)] {
            #expect(!text.contains(base64("\0u\0p")) && !text.contains("c2VjcmV0"), "\(text)")
        }
    }
}
