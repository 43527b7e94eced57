/// One media item as the server sent it.
public struct MediaDownload: Sendable, Equatable {
    /// The body, byte for byte.
    public var data: [UInt8]
    /// The server's `Content-Type`, trimmed, parameters kept (`text/vcard; charset=utf-8`);
    /// `nil` when it sent none or an empty one. As the server says: not checked against the bytes.
    public var contentType: String?
    /// The URL the item came from after redirects, query included: log it through
    /// ``MediaURL/redacted(_:)``.
    public var finalURL: String

    public init(data: [UInt8], contentType: String?, finalURL: String) {
        self.data = data
        self.contentType = contentType
        self.finalURL = finalURL
    }
}
