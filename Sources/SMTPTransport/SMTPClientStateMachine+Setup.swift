/// Session set-up: the greeting, EHLO or HELO, STARTTLS and AUTH, each a step of the one
/// ``SMTPClientStateMachine/State``.
extension SMTPClientStateMachine {
    mutating func receiveGreeting(_ reply: SMTPReply) -> Action {
        if reply.isPositiveCompletion {
            state = .awaitingEHLO(encrypted: settings.tls == .implicit)
            return .send([.ehlo(settings.heloName)])
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "as its greeting"), .drop)
        }
        return fail(.rejected("SMTP server refused the connection", reply), .quit)
    }

    mutating func receiveEHLO(_ reply: SMTPReply, encrypted: Bool) -> Action {
        if reply.isPositiveCompletion {
            return afterHello(SMTPCapabilities(ehloReply: reply), encrypted: encrypted)
        }
        if reply.code == 500 || reply.code == 502 {
            // An RFC 821 server that does not know EHLO (RFC 5321 §3.2).
            state = .awaitingHELO(encrypted: encrypted)
            return .send([.helo(settings.heloName)])
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "to EHLO"), .drop)
        }
        return fail(.rejected("SMTP server refused EHLO", reply), .quit)
    }

    mutating func receiveHELO(_ reply: SMTPReply, encrypted: Bool) -> Action {
        if reply.isPositiveCompletion {
            return afterHello(.none, encrypted: encrypted)
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "to HELO"), .drop)
        }
        return fail(.rejected("SMTP server refused HELO", reply), .quit)
    }

    /// After EHLO or HELO: STARTTLS if wanted and offered, else authentication. A connection that
    /// is not encrypted here has not tried STARTTLS yet: after a refused STARTTLS the conversation
    /// goes on without a second EHLO.
    mutating func afterHello(_ capabilities: SMTPCapabilities, encrypted: Bool) -> Action {
        if !encrypted, settings.tls == .required || settings.tls == .opportunistic {
            if capabilities.startTLS {
                state = .awaitingStartTLS(capabilities)
                return .send([.startTLS])
            }
            if settings.tls == .required {
                return fail(SMTPError(
                    .tlsUnavailable,
                    "SMTP server does not offer STARTTLS, and \(settings.names.url) requires TLS (tls=required is the default for smtp://); use smtps:// if the server speaks TLS on its own port, or tls=none for a relay on localhost",
                    isTransient: false
                ), .quit)
            }
        }
        return authenticateOrFinish(Session(capabilities: capabilities, isEncrypted: encrypted))
    }

    mutating func receiveStartTLS(_ reply: SMTPReply, capabilities: SMTPCapabilities) -> Action {
        if reply.isPositiveCompletion {
            state = .tlsHandshake
            return .startTLS
        }
        if reply.isPositiveIntermediate {
            return fail(.unexpected(reply, "to STARTTLS"), .drop)
        }
        if settings.tls == .opportunistic {
            return authenticateOrFinish(Session(capabilities: capabilities, isEncrypted: false))
        }
        return fail(.rejected(.tlsUnavailable, "SMTP server refused STARTTLS", reply), .quit)
    }

    mutating func authenticateOrFinish(_ session: Session) -> Action {
        guard let credentials = settings.credentials else {
            state = .ready(session, last: .none)
            return .sessionReady(session.capabilities)
        }
        if !session.isEncrypted, !(settings.tls == .none && settings.hostIsLoopback) {
            return fail(SMTPError(
                .authenticationUnavailable,
                "the connection to the SMTP server is not encrypted (the server did not offer or refused STARTTLS), so the password is not sent; use tls=required or smtps://",
                isTransient: false
            ), .quit)
        }
        let offered = session.capabilities.authMechanisms
        guard !offered.isEmpty else {
            return fail(SMTPError(
                .authenticationUnavailable,
                "\(settings.names.url) has a user and password, but the SMTP server offers no AUTH on this connection; remove the credentials from the URL or enable authentication on the server",
                isTransient: false
            ), .quit)
        }
        let mechanism: SMTPConfiguration.AuthMechanism
        if let wanted = settings.authMechanism {
            guard offered.contains(wanted.rawValue) else {
                return fail(SMTPError(
                    .authenticationUnavailable,
                    "SMTP server does not offer AUTH \(wanted.rawValue) (it offers \(offered.sorted().joined(separator: " "))); change or remove auth= in \(settings.names.url)",
                    isTransient: false
                ), .quit)
            }
            mechanism = wanted
        } else if offered.contains("PLAIN") {
            mechanism = .plain
        } else if offered.contains("LOGIN") {
            mechanism = .login
        } else {
            return fail(SMTPError(
                .authenticationUnavailable,
                "SMTP server offers only AUTH \(offered.sorted().joined(separator: " ")), and this client speaks PLAIN and LOGIN; enable one of them on the server",
                isTransient: false
            ), .quit)
        }
        switch mechanism {
        case .plain:
            state = .authenticating(.plain, credentials, session)
            let response = Self.base64("\0\(credentials.user)\0\(credentials.password)")
            return .send([.authPlain(initialResponse: response)])
        case .login:
            state = .authenticating(.login, credentials, session)
            return .send([.authLogin])
        }
    }

    mutating func receiveAuth(
        _ reply: SMTPReply,
        step: AuthStep,
        credentials: SMTPConfiguration.Credentials,
        session: Session
    ) -> Action {
        if reply.isTransientFailure || reply.isPermanentFailure {
            return fail(.rejected(
                .authenticationFailed,
                "SMTP server refused AUTH \(step.mechanism)",
                reply,
                advice: "check the user and password in \(settings.passwordSetting)"
            ), .quit)
        }
        // What is left is 2xx, done, or 3xx, a challenge; each fits one step only.
        switch (step, reply.isPositiveCompletion) {
        case (.plain, true), (.loginPassword, true):
            state = .ready(session, last: .none)
            return .sessionReady(session.capabilities)
        case (.login, false):
            state = .authenticating(.loginUser, credentials, session)
            return .send([.authResponse(Self.base64(credentials.user))])
        case (.loginUser, false):
            state = .authenticating(.loginPassword, credentials, session)
            return .send([.authResponse(Self.base64(credentials.password))])
        case (.plain, false), (.login, true), (.loginUser, true), (.loginPassword, false):
            return fail(.unexpected(reply, "during AUTH \(step.mechanism)"), .drop)
        }
    }
}
