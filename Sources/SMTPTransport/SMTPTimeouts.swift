/// How long the client waits at each step of a conversation.
///
/// The defaults are the minimums of RFC 5321 §4.5.3.2. ``connect`` and ``command`` are not named
/// there: they bound opening the TCP connection, and the replies to EHLO, STARTTLS, AUTH, RSET and
/// QUIT. A TLS handshake is bounded by the wait for the reply that follows it: the greeting for
/// `smtps://`, the EHLO reply after STARTTLS.
public struct SMTPTimeouts: Sendable, Equatable {
    /// Opening the TCP connection.
    public var connect: Duration
    /// The server's `220` greeting (RFC: 5 minutes).
    public var greeting: Duration
    /// The reply to EHLO, HELO, STARTTLS, AUTH, RSET and QUIT.
    public var command: Duration
    /// The reply to MAIL FROM (RFC: 5 minutes).
    public var mail: Duration
    /// The reply to each RCPT TO (RFC: 5 minutes).
    public var recipient: Duration
    /// The `354` reply to DATA (RFC: 2 minutes).
    public var dataInitiation: Duration
    /// Each write of a block of the message (RFC: 3 minutes).
    public var dataBlock: Duration
    /// The reply after the final `.` (RFC: 10 minutes).
    public var dataTermination: Duration

    public init(
        connect: Duration = .seconds(60),
        greeting: Duration = .seconds(5 * 60),
        command: Duration = .seconds(5 * 60),
        mail: Duration = .seconds(5 * 60),
        recipient: Duration = .seconds(5 * 60),
        dataInitiation: Duration = .seconds(2 * 60),
        dataBlock: Duration = .seconds(3 * 60),
        dataTermination: Duration = .seconds(10 * 60)
    ) {
        self.connect = connect
        self.greeting = greeting
        self.command = command
        self.mail = mail
        self.recipient = recipient
        self.dataInitiation = dataInitiation
        self.dataBlock = dataBlock
        self.dataTermination = dataTermination
    }

    /// The same limit for every step; for tests.
    public static func uniform(_ limit: Duration) -> SMTPTimeouts {
        SMTPTimeouts(
            connect: limit, greeting: limit, command: limit, mail: limit, recipient: limit,
            dataInitiation: limit, dataBlock: limit, dataTermination: limit
        )
    }

    /// A step of the conversation whose duration is bounded.
    public enum Step: Sendable, Equatable, CustomStringConvertible {
        case connect, greeting, command, mail, recipient, dataInitiation, dataBlock, dataTermination

        public var description: String {
            switch self {
            case .connect: "connecting"
            case .greeting: "the greeting"
            case .command: "a command reply"
            case .mail: "the MAIL FROM reply"
            case .recipient: "the RCPT TO reply"
            case .dataInitiation: "the DATA reply"
            case .dataBlock: "the server to take the message"
            case .dataTermination: "the reply to the end of the message"
            }
        }
    }

    /// The limit for `step`.
    public subscript(step: Step) -> Duration {
        switch step {
        case .connect: connect
        case .greeting: greeting
        case .command: command
        case .mail: mail
        case .recipient: recipient
        case .dataInitiation: dataInitiation
        case .dataBlock: dataBlock
        case .dataTermination: dataTermination
        }
    }
}
