/// What an edge knows of one callback request besides its body: enough for a carrier's signature
/// check and for the carriers that send their fields in the query.
public struct CallbackRequest: Sendable {
    /// The HTTP method, as sent.
    public var method: String
    /// The path as the request line gave it, without the query: `/twilio/<token>`.
    public var path: String
    /// The query as the request line gave it, without `?`, still percent-encoded; nil when there was none.
    public var query: String?
    /// Header values by lower-case name; repeated headers joined with `,`.
    public var headers: [String: String]
    /// The address the connection came from, as text (`203.0.113.7`, `2001:db8::1`), when known.
    public var sourceAddress: String?

    public init(method: String, path: String, query: String? = nil, headers: [String: String] = [:], sourceAddress: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.sourceAddress = sourceAddress
    }

    /// The value of the header `name` (any case).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The path and query as the request line gave them: `/twilio/<token>?a=b`.
    public var target: String {
        query.map { path + "?" + $0 } ?? path
    }
}
