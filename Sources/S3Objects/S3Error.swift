/// Why S3 did not do what was asked, and whether trying again can help.
public struct S3Error: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No such bucket or key (404).
        case notFound
        /// Refused: credentials, permissions, a bad request (other 4xx).
        case refused
        /// It may work later: 5xx, throttling, a timeout, a network failure.
        case transient
    }

    public let kind: Kind
    public let status: Int?
    /// What happened, with S3's own code and words when it gave them; never a credential.
    public let message: String

    public init(_ kind: Kind, status: Int? = nil, _ message: String) {
        self.kind = kind
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// The error for an answer that was not 2xx, from S3's `<Error><Code>…<Message>…` body.
    static func answer(status: Int, body: [UInt8], object: String) -> S3Error {
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        let code = S3XML.firstValue(of: "Code", in: text)
        let words = [code, S3XML.firstValue(of: "Message", in: text)].compactMap { $0 }.joined(separator: ": ")
        let said = words.isEmpty ? "" : " (\(words))"
        switch status {
        case 404:
            return S3Error(.notFound, status: status, "S3 has no \(object)\(said)")
        case 408, 429, 500...599:
            return S3Error(.transient, status: status, "S3 answered \(status) for \(object)\(said); will retry")
        default:
            let hint = status == 403 ? "; check the function's permissions (s3:GetObject, s3:GetObjectTagging, s3:PutObjectTagging)" : ""
            return S3Error(.refused, status: status, "S3 refused \(object) with \(status)\(said)\(hint)")
        }
    }
}
