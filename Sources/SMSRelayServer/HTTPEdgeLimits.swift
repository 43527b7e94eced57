/// The limits of the relay's HTTP edge, which keep slow, idle or numerous clients from holding
/// the server: a request must arrive whole in time, an idle connection is closed, and only so
/// many connections are open at once.
public struct HTTPEdgeLimits: Sendable, Equatable {
    /// How long a request may take to arrive whole, counted from its first byte.
    public var requestTimeout: Duration
    /// How long a keep-alive connection may stay open without a request.
    public var idleTimeout: Duration
    /// How many connections may be open at once. Past it, a new connection takes the place of the
    /// one idle for longest; when none is idle, the new one is answered 503 and closed at once.
    public var maxConnections: Int
    /// Once a graceful shutdown has begun, how much longer a request still arriving may take.
    public var shutdownGrace: Duration

    public init(
        requestTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 256,
        shutdownGrace: Duration = .seconds(5)
    ) {
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.shutdownGrace = shutdownGrace
    }
}
