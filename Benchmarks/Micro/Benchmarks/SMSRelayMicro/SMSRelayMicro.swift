import Benchmark
import Foundation
import MailKit
import MailRender
import SMSRelayCore
import SMTPTransport
import SigV4

// The relay's hot paths, one operation per iteration, without I/O: what a callback costs the CPU
// and the allocator from its body to the bytes of its email, the SES signature and the SMTP
// conversation around it. Every input is made before the measurement; what each benchmark does
// is checked once, before it is registered, so that a broken path fails the run instead of
// measuring an error. README.md beside Package.swift says what each one measures.

let benchmarks: @Sendable () -> Void = {
    // Wall clock is noisy on a shared machine: a regression is a median 25 % slower (p90 50 %).
    // Allocations are exact: any more than one extra at the median is a regression.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 100,
        maxDuration: .seconds(2),
        maxIterations: 200_000,
        thresholds: [
            .wallClock: BenchmarkThresholds(relative: [.p50: 25, .p90: 50]),
            .throughput: BenchmarkThresholds(relative: [.p50: 25]),
            .mallocCountTotal: BenchmarkThresholds(absolute: [.p50: 1]),
        ]
    )

    let pipeline = Pipeline()
    let mms = Fixture.body("v2-inbound-mms.json")
    let sms = Fixture.body("v2-inbound-sms.json")
    let mmsMessage = pipeline.parse(mms)
    let mmsEmail = pipeline.render(mmsMessage)

    // (a) What the intake does with a body that passed its checks (CallbackIntake.parse).
    Benchmark("parse: Flowroute v2.1 MMS callback") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(pipeline.parse(mms))
        }
    }

    // (b) What the worker's compose does with that message (links only: no media fetched), and
    // the transports' MIMEWriter; then each half alone.
    Benchmark("render+MIME: MMS email") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(MIMEWriter.render(pipeline.render(mmsMessage)))
        }
    }
    Benchmark("render: MMS email (templates)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(pipeline.render(mmsMessage))
        }
    }
    Benchmark("MIME: MMS email") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(MIMEWriter.render(mmsEmail))
        }
    }

    // (c) An SMS from its callback body to the bytes a transport sends: the 50 µs budget.
    Benchmark("parse+render+MIME: SMS end to end") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(MIMEWriter.render(pipeline.render(pipeline.parse(sms))))
        }
    }

    // (d) The SES transport's signature of SendEmail with that SMS's email as its body.
    let ses = SESSigning(rawMessage: MIMEWriter.render(pipeline.render(pipeline.parse(sms))))
    Benchmark("SigV4: sign SES SendEmail") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ses.sign())
        }
    }

    // (e) The SMTP client's conversation, replies already read: no socket, no line parsing.
    let smtp = SMTPConversation()
    Benchmark("SMTP: state machine, one transaction") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(smtp.run())
        }
    }
}

/// The fixtures of the parser's tests, read from the relay's source tree.
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SMSRelayMicro
        .deletingLastPathComponent()  // Benchmarks
        .deletingLastPathComponent()  // Micro
        .deletingLastPathComponent()  // Benchmarks
        .deletingLastPathComponent()  // the relay
        .appendingPathComponent("Tests/SMSRelayCoreTests/Fixtures")

    static func body(_ name: String) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
        } catch {
            fatalError("cannot read the fixture \(name) in \(folder.path): \(error)")
        }
    }
}

/// The intake's parser and the worker's compose, as the app wires them with the built-in
/// templates and one route.
struct Pipeline: Sendable {
    let renderer: EmailRenderer
    let routing = RoutingTable(defaultRoute: Route(recipients: ["Inbox <inbox@example.com>"], sender: "sms@example.com"))
    let receivedAt = Date(timeIntervalSince1970: 1_764_051_000)

    init() {
        do {
            renderer = try EmailRenderer()
        } catch {
            fatalError("the built-in templates do not compile: \(error)")
        }
    }

    func parse(_ body: [UInt8]) -> InboundMessage {
        do {
            guard case .message(let message) = try FlowrouteParser.read(body, receivedAt: receivedAt).event else {
                fatalError("the fixture is not an inbound message")
            }
            return message
        } catch {
            fatalError("the fixture does not parse: \(error)")
        }
    }

    /// As `RelayComponents.compose` does, without a reply address (replies off).
    func render(_ message: InboundMessage) -> Email {
        do {
            return try renderer.render(message, route: routing.route(for: message.to))
        } catch {
            fatalError("the message does not render: \(error)")
        }
    }
}

/// The request SESTransport signs: `POST /v2/email/outbound-emails`, `Host` and `Content-Type`,
/// a SendEmail JSON body with the raw message in base64.
struct SESSigning: Sendable {
    let body: [UInt8]
    let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let date = Date(timeIntervalSince1970: 1_764_051_000)

    init(rawMessage: [UInt8]) {
        let json = #"{"Content":{"Raw":{"Data":""# + Data(rawMessage).base64EncodedString()
            + #""}},"Destination":{"ToAddresses":["inbox@example.com"]},"FromEmailAddress":"sms@example.com"}"#
        body = Array(json.utf8)
    }

    func sign() -> SigV4Signature {
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "ses")
        return signer.sign(
            SigV4Request(
                method: "POST",
                path: "/v2/email/outbound-emails",
                headers: [("Host", "email.us-east-1.amazonaws.com"), ("Content-Type", "application/json")],
                payload: .bytes(body)
            ),
            at: date
        )
    }
}

/// One message over a new plain-text connection to a server that offers SIZE and 8BITMIME (no
/// PIPELINING, so one command at a time): greeting → EHLO → MAIL FROM → RCPT TO → DATA → message
/// → QUIT, as `SMTPSession` drives the machine.
struct SMTPConversation: Sendable {
    let settings = SMTPClientStateMachine.Settings(heloName: "relay.example.com", tls: SMTPConfiguration.TLSMode.none, hostIsLoopback: true)
    let envelope = SMTPEnvelope(sender: "sms@example.com", recipients: ["inbox@example.com"], messageSize: 2_048, longestLine: 76)
    let greeting = SMTPReply(code: 220, lines: ["mail.example.com ESMTP Postfix"])
    let ehlo = SMTPReply(code: 250, lines: ["mail.example.com", "SIZE 10240000", "8BITMIME", "ENHANCEDSTATUSCODES"])
    let mailOK = SMTPReply(code: 250, lines: ["2.1.0 Ok"])
    let recipientOK = SMTPReply(code: 250, lines: ["2.1.5 Ok"])
    let goAhead = SMTPReply(code: 354, lines: ["End data with <CR><LF>.<CR><LF>"])
    let queued = SMTPReply(code: 250, lines: ["2.0.0 Ok: queued as 4BQ1xH"])
    let bye = SMTPReply(code: 221, lines: ["2.0.0 Bye"])

    init() {
        // The conversation goes as described, or there is nothing to measure.
        let steps = run().map(Self.step)
        let expected = [
            "read", "send EHLO relay.example.com", "ready", "send MAIL FROM:<sms@example.com> SIZE=2048",
            "send RCPT TO:<inbox@example.com>", "send DATA", "message", "delivered", "send QUIT", "close",
        ]
        guard steps == expected else {
            fatalError("the SMTP conversation went another way: \(steps)")
        }
    }

    static func step(_ action: SMTPClientStateMachine.Action) -> String {
        switch action {
        case .send(let commands): "send " + commands.map(\.description).joined(separator: ", ")
        case .readReply: "read"
        case .startTLS: "STARTTLS"
        case .sendMessage: "message"
        case .sessionReady: "ready"
        case .delivered: "delivered"
        case .failed(let error, let disposition): "failed (\(disposition)): \(error)"
        case .closeConnection: "close"
        }
    }

    /// Every action the machine returned, in order.
    func run() -> [SMTPClientStateMachine.Action] {
        var machine = SMTPClientStateMachine(settings: settings)
        var actions: [SMTPClientStateMachine.Action] = []
        actions.reserveCapacity(10)
        actions.append(machine.start())
        actions.append(machine.receive(greeting))
        actions.append(machine.receive(ehlo))
        actions.append(machine.startTransaction(envelope))
        actions.append(machine.receive(mailOK))
        actions.append(machine.receive(recipientOK))
        actions.append(machine.receive(goAhead))
        actions.append(machine.receive(queued))
        actions.append(machine.quit())
        actions.append(machine.receive(bye))
        return actions
    }
}
