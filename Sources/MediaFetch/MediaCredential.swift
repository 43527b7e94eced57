import Foundation

/// HTTP Basic credentials a carrier keeps its own media behind (Bandwidth always; Twilio when
/// "HTTP Basic Authentication for media access" is on), sent only to that carrier's host.
///
/// They go with a request to exactly ``host`` and ``port``, over https (or plain http to a
/// trusted host, in tests), and never with a redirect elsewhere: a carrier-chosen URL cannot
/// make the relay hand them to anyone else.
public struct MediaCredential: Sendable, Equatable, CustomStringConvertible {
    /// The host name, lower case: `messaging.bandwidth.com`.
    public var host: String
    /// The port, `443` for https.
    public var port: Int
    /// The value of the `Authorization` header: `Basic …`.
    let authorization: String

    public init(host: String, port: Int, username: String, password: String) {
        self.host = host.lowercased()
        self.port = port
        authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// Whether a request to `target` carries these credentials.
    func applies(to target: FetchTarget) -> Bool {
        target.host.lowercased() == host && target.port == port && (target.scheme == "https" || target.trusted)
    }

    /// The host and port, without the credentials.
    public var description: String { "MediaCredential(\(host):\(port), <redacted>)" }
}
