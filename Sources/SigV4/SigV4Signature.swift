/// A signed request: the headers to send, and every intermediate text for checking or debugging.
public struct SigV4Signature: Sendable {
    /// The canonical request (method, URI, query, headers, signed headers, payload hash).
    public let canonicalRequest: String
    /// The string that was signed.
    public let stringToSign: String
    /// The signature, 64 lower-case hex digits.
    public let signature: String
    /// The value of the `Authorization` header.
    public let authorization: String
    /// The request's headers with the signer's set, in the order to send them.
    public let headers: [(name: String, value: String)]
}
