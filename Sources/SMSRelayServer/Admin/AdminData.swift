import Foundation

/// What the admin page shows and does, as the app provides it: the server knows no outbox.
public protocol AdminData: Sendable {
    /// The newest messages, in and out, newest first.
    func recent(limit: Int) async throws -> [AdminMessage]
    /// The newest dead messages, newest first.
    func dead(limit: Int) async throws -> [AdminMessage]
    /// Messages stored in each of the 24 hours before `now`.
    func volume(now: Date) async throws -> AdminVolume
    /// Makes a dead message pending again; false if no dead message has that id.
    func retry(id: Int64) async throws -> Bool
}

/// One outbox row, as the admin page shows it.
public struct AdminMessage: Sendable, Equatable {
    public enum Direction: String, Sendable {
        /// A text to one of our numbers, emailed.
        case inbound = "text in"
        /// A reply by email, sent as an SMS.
        case reply = "reply out"
        /// A notice about a reply, emailed to the replier.
        case notice = "notice"
    }

    public var id: Int64
    public var direction: Direction
    public var status: String
    public var attempts: Int
    public var createdAt: Date
    public var from: String
    public var to: String
    public var body: String
    public var lastError: String?

    public init(
        id: Int64, direction: Direction, status: String, attempts: Int, createdAt: Date, from: String, to: String, body: String,
        lastError: String?
    ) {
        self.id = id
        self.direction = direction
        self.status = status
        self.attempts = attempts
        self.createdAt = createdAt
        self.from = from
        self.to = to
        self.body = body
        self.lastError = lastError
    }
}

/// Messages stored per hour over the last 24 hours: index 0 is the oldest hour.
public struct AdminVolume: Sendable, Equatable {
    /// The start of the first hour.
    public var start: Date
    public var inbound: [Int]
    public var outbound: [Int]

    public init(start: Date, inbound: [Int], outbound: [Int]) {
        self.start = start
        self.inbound = inbound
        self.outbound = outbound
    }
}

/// How the admin page is set up.
public struct AdminPageSettings: Sendable {
    /// The bcrypt hash of the password (`$2b$…`), as `smsrelay admin-password` writes it.
    public var passwordHash: String
    /// Each carrier's callback URL with its token (carrier name, URL), once the public port is
    /// known; empty before.
    public var callbackURLs: @Sendable () -> [(carrier: String, url: String)]
    /// How long a session lasts without a request.
    public var idleTimeout: Duration

    public init(
        passwordHash: String, callbackURLs: @escaping @Sendable () -> [(carrier: String, url: String)],
        idleTimeout: Duration = .seconds(12 * 3600)
    ) {
        self.passwordHash = passwordHash
        self.callbackURLs = callbackURLs
        self.idleTimeout = idleTimeout
    }
}
