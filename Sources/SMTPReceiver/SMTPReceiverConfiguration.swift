/// How an ``SMTPReceiverServer`` listens and what it allows.
///
/// Every field has a default that suits a receiver on the public internet; tests shorten the
/// delays and time limits. ``validate()`` is called by the server before it starts.
public struct SMTPReceiverConfiguration: Sendable, Equatable {
    /// A PEM certificate chain and its private key, offered with STARTTLS.
    public struct TLS: Sendable, Equatable {
        public var certificatePath: String
        public var privateKeyPath: String

        public init(certificatePath: String, privateKeyPath: String) {
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// The address to listen on. Default `127.0.0.1`.
    public var host: String
    /// The port to listen on; `0` lets the system choose (see ``SMTPReceiverServer/boundPort``). Default `25`.
    public var port: Int
    /// The name the server gives itself in its greeting and EHLO reply. Default `localhost`.
    public var hostname: String
    /// The largest message taken, in octets, as it is after DATA (advertised as `SIZE`). Default 10 MiB.
    public var maximumMessageSize: Int
    /// The most recipients one message may have (RFC 5321 §4.5.3.1.8 asks for at least 100;
    /// a reply address needs one). Default 10.
    public var maximumRecipients: Int
    /// The most connections open at once; the next is greeted with `421 4.3.2`. Default 100.
    public var maximumConnections: Int
    /// The most connections open at once from one client address. Default 5.
    public var maximumConnectionsPerAddress: Int
    /// How long the server waits for a command (RFC 5321 §4.5.3.2.7: 5 minutes). Default 300 s.
    public var commandTimeout: Duration
    /// How long the server waits for more of the message during DATA (RFC 5321 §4.5.3.2). Default 300 s.
    public var dataTimeout: Duration
    /// The delay before answering a bad command, times the number of bad commands so far. Default 0.5 s.
    public var badCommandDelay: Duration
    /// The longest such delay. Default 5 s.
    public var maximumBadCommandDelay: Duration
    /// After this many bad commands (500, 501, 503) the connection is closed with `421`. Default 20.
    public var maximumBadCommands: Int
    /// On shutdown, how long sessions in the middle of a message may take to finish it. Default 30 s.
    public var shutdownGracePeriod: Duration
    /// STARTTLS, when set. Default none: STARTTLS is neither offered nor accepted.
    public var tls: TLS?

    public init(
        host: String = "127.0.0.1",
        port: Int = 25,
        hostname: String = "localhost",
        maximumMessageSize: Int = 10 * 1024 * 1024,
        maximumRecipients: Int = 10,
        maximumConnections: Int = 100,
        maximumConnectionsPerAddress: Int = 5,
        commandTimeout: Duration = .seconds(300),
        dataTimeout: Duration = .seconds(300),
        badCommandDelay: Duration = .milliseconds(500),
        maximumBadCommandDelay: Duration = .seconds(5),
        maximumBadCommands: Int = 20,
        shutdownGracePeriod: Duration = .seconds(30),
        tls: TLS? = nil
    ) {
        self.host = host
        self.port = port
        self.hostname = hostname
        self.maximumMessageSize = maximumMessageSize
        self.maximumRecipients = maximumRecipients
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.badCommandDelay = badCommandDelay
        self.maximumBadCommandDelay = maximumBadCommandDelay
        self.maximumBadCommands = maximumBadCommands
        self.shutdownGracePeriod = shutdownGracePeriod
        self.tls = tls
    }

    /// Throws an ``SMTPReceiverError/Code/invalidConfiguration`` error naming the first field out of range.
    public func validate() throws(SMTPReceiverError) {
        func check(_ ok: Bool, _ problem: String) throws(SMTPReceiverError) {
            if !ok { throw SMTPReceiverError(.invalidConfiguration, "SMTP receiver: \(problem)") }
        }
        try check((0...65535).contains(port), "port \(port) is not between 0 and 65535")
        try check(!host.isEmpty, "host is empty; give an address to listen on, such as 127.0.0.1")
        try check(
            !hostname.isEmpty && hostname.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && $0.value < 127 },
            "hostname \"\(hostname)\" must be a non-empty name without spaces"
        )
        try check(maximumMessageSize > 0, "maximumMessageSize must be positive")
        try check(maximumRecipients > 0, "maximumRecipients must be positive")
        try check(maximumConnections > 0, "maximumConnections must be positive")
        try check(maximumConnectionsPerAddress > 0, "maximumConnectionsPerAddress must be positive")
        try check(commandTimeout > .zero && dataTimeout > .zero, "commandTimeout and dataTimeout must be positive")
        try check(badCommandDelay >= .zero && maximumBadCommandDelay >= .zero, "bad command delays cannot be negative")
        try check(maximumBadCommands > 0, "maximumBadCommands must be positive")
        try check(shutdownGracePeriod >= .zero, "shutdownGracePeriod cannot be negative")
    }
}
