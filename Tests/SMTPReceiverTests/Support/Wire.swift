@testable import SMTPReceiver

extension SMTPServerReply {
    /// The reply as written, for comparing with what a test expects on the wire.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension Array where Element == SMTPServerReply {
    var text: String { map(\.text).joined() }
}
