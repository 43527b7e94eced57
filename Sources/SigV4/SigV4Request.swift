/// The parts of an HTTP request that Signature Version 4 covers.
///
/// Headers are an ordered list, not a dictionary: a name may repeat, and the signature
/// depends on the order of its values.
public struct SigV4Request: Sendable {
    /// The body, or what stands for it in the canonical request.
    public enum Payload: Sendable, Equatable {
        /// The body's bytes; the signer hashes them.
        case bytes([UInt8])
        /// The hex SHA-256 of a body the caller has already hashed (e.g. while streaming it).
        case sha256(String)
        /// `UNSIGNED-PAYLOAD`, for services that accept it (S3 over TLS).
        case unsigned
    }

    /// The HTTP method, e.g. `POST`.
    public var method: String
    /// The path as it is sent, percent-encoded where it needs to be, e.g. `/v2/email/outbound-emails`.
    /// Characters that are not allowed on the wire (a space, non-ASCII) are accepted and encoded.
    public var path: String
    /// The query string as it is sent, without the `?`; empty when there is none.
    public var query: String
    /// Every header to sign, names as written, in the order they are sent. It must include `host`.
    public var headers: [(name: String, value: String)]
    public var payload: Payload

    public init(
        method: String,
        path: String,
        query: String = "",
        headers: [(name: String, value: String)],
        payload: Payload = .bytes([])
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payload = payload
    }
}

extension Array where Element == (name: String, value: String) {
    /// Gives `name` this one value: replaces the first field of that name (matched without
    /// regard to case) where it stands, drops any later ones, or appends a field.
    mutating func setField(_ name: String, to value: String) {
        let key = SigV4Canonical.lowercased(name)
        var found = false
        var result: [(name: String, value: String)] = []
        result.reserveCapacity(count + 1)
        for field in self {
            guard SigV4Canonical.lowercased(field.name) == key else {
                result.append(field)
                continue
            }
            if !found {
                result.append((name: field.name, value: value))
                found = true
            }
        }
        if !found { result.append((name: name, value: value)) }
        self = result
    }

    /// Drops every field called `name`, matched without regard to case.
    mutating func removeFields(named name: String) {
        let key = SigV4Canonical.lowercased(name)
        removeAll { SigV4Canonical.lowercased($0.name) == key }
    }
}
