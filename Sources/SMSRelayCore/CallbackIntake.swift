import Foundation

/// Why a callback was refused, as an HTTP status and a reason safe to show the caller.
public struct IntakeRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let reason: String
    /// The JSON path of the field at fault, for 400 answers about a payload.
    public let field: String?

    public init(status: Int, reason: String, field: String? = nil) {
        self.status = status
        self.reason = reason
        self.field = field
    }

    public static let notFound = IntakeRejection(status: 404, reason: "not found")

    public var description: String { "\(status): \(reason)" }
}

/// The checks every carrier callback passes before it is stored or sent, shared by the
/// standalone server and the Lambda handler so both answer bad input the same way.
///
/// Order matters: the token is checked first, so that a caller without it learns nothing
/// (not even which methods or sizes the endpoint takes).
public struct CallbackIntake: Sendable {
    /// The secret the callback must present; nil leaves the endpoint open.
    public let token: String?
    public let maxBodyBytes: Int

    public init(token: String?, maxBodyBytes: Int) {
        self.token = token
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether `presented` is the configured token (always true when none is configured).
    public func isAuthorized(_ presented: String?) -> Bool {
        guard let token else { return true }
        guard let presented else { return false }
        return ConstantTime.equals(presented, token)
    }

    /// Checks what is known before the body is read.
    public func checkRequest(presentedToken: String?, method: String, contentType: String?, contentLength: Int?) throws(IntakeRejection) {
        guard isAuthorized(presentedToken) else { throw .notFound }
        guard method.uppercased() == "POST" else {
            throw IntakeRejection(status: 405, reason: "method \(method) not allowed; carriers POST their callbacks")
        }
        if let contentType, !Self.isJSON(contentType) {
            throw IntakeRejection(status: 415, reason: "content type '\(contentType)' not supported; send application/json")
        }
        if let contentLength, contentLength > maxBodyBytes {
            throw tooLarge
        }
    }

    /// Parses a body that passed ``checkRequest(presentedToken:method:contentType:contentLength:)``.
    /// The event is an inbound message, a receipt or a callback to ignore; the notices list what
    /// the parser read past, for the log.
    public func parse(_ body: [UInt8], receivedAt: Date) throws(IntakeRejection) -> ParsedCallback {
        guard body.count <= maxBodyBytes else { throw tooLarge }
        do {
            return try FlowrouteParser.read(body, receivedAt: receivedAt)
        } catch {
            throw IntakeRejection(status: 400, reason: error.description, field: error.field)
        }
    }

    public var tooLarge: IntakeRejection {
        IntakeRejection(status: 413, reason: "body larger than \(maxBodyBytes) bytes")
    }

    /// Media types a JSON callback may come with: `application/json`, `application/vnd.api+json`,
    /// `text/json`, `text/plain` (some senders label JSON so), or none.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return mediaType.isEmpty || mediaType == "application/json" || mediaType == "text/json" || mediaType == "text/plain"
            || (mediaType.hasPrefix("application/") && mediaType.hasSuffix("+json"))
    }
}
