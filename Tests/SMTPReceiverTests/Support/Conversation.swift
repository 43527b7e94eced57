@testable import SMTPReceiver

extension SMTPServerStateMachine.Settings {
    /// STARTTLS offered, no delays, small limits: what most machine tests want.
    static func test(
        maximumMessageSize: Int = 1000,
        maximumRecipients: Int = 10,
        offersTLS: Bool = true,
        badCommandDelay: Duration = .zero,
        maximumBadCommands: Int = 20
    ) -> Self {
        var settings = Self()
        settings.hostname = "mx.test"
        settings.maximumMessageSize = maximumMessageSize
        settings.maximumRecipients = maximumRecipients
        settings.offersTLS = offersTLS
        settings.badCommandDelay = badCommandDelay
        settings.maximumBadCommandDelay = .seconds(2)
        settings.maximumBadCommands = maximumBadCommands
        return settings
    }
}

/// A machine with a pretend driver: it answers the delegate's questions with ``recipientVerdict``
/// and ``messageVerdict``, lets delays run out and puts TLS on at once, recording what it did.
struct Conversation {
    var machine: SMTPServerStateMachine
    var recipientVerdict: @Sendable (String) -> SMTPVerdict = { _ in .accept }
    var messageVerdict: @Sendable ([UInt8]) -> SMTPVerdict = { _ in .accept }
    /// Whether the driver answers questions and delays by itself; when false, ``pending`` holds them.
    var autoAnswer = true
    private(set) var delivered: [(bytes: [UInt8], envelope: SMTPEnvelopeInfo, session: SMTPSessionInfo)] = []
    private(set) var asked: [(address: String, session: SMTPSessionInfo)] = []
    private(set) var delays: [Duration] = []
    private(set) var pending: [SMTPServerStateMachine.Action] = []
    private(set) var tlsStarts = 0
    private(set) var closed = false

    /// A conversation that has been greeted (its greeting is checked and dropped).
    init(_ settings: SMTPServerStateMachine.Settings = .test(), clientAddress: String = "192.0.2.9") {
        machine = SMTPServerStateMachine(settings: settings, clientAddress: clientAddress)
        let greeting = settle(machine.start(.accepted))
        precondition(greeting.map(\.code) == [220])
    }

    /// Sends `text` as one read; returns every reply until the machine waits for more input.
    mutating func say(_ text: String) -> [SMTPServerReply] {
        settle(machine.receive(Array(text.utf8)))
    }

    mutating func say(bytes: [UInt8]) -> [SMTPServerReply] {
        settle(machine.receive(bytes))
    }

    /// The codes of the replies to `text`.
    mutating func codes(_ text: String) -> [Int] {
        say(text).map(\.code)
    }

    /// Says hello with EHLO and checks the answer.
    mutating func hello() {
        let replies = say("EHLO client.test\r\n")
        precondition(replies.map(\.code) == [250])
    }

    /// Carries out `actions`, and what answering them gives, until the machine waits for input.
    mutating func settle(_ actions: [SMTPServerStateMachine.Action]) -> [SMTPServerReply] {
        var replies: [SMTPServerReply] = []
        for action in actions {
            switch action {
            case .send(let sent):
                replies += sent
            case .checkRecipient(let address, let session):
                asked.append((address, session))
                if autoAnswer { replies += settle(machine.recipientChecked(recipientVerdict(address))) } else { pending.append(action) }
            case .deliver(let bytes, let envelope, let session):
                delivered.append((bytes, envelope, session))
                if autoAnswer { replies += settle(machine.messageHandled(messageVerdict(bytes))) } else { pending.append(action) }
            case .delay(let duration):
                delays.append(duration)
                if autoAnswer { replies += settle(machine.delayElapsed()) } else { pending.append(action) }
            case .startTLS:
                tlsStarts += 1
                replies += settle(machine.tlsEstablished())
            case .close:
                closed = true
            }
        }
        return replies
    }
}
