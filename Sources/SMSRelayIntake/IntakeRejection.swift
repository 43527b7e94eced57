/// Why a callback was refused, in the intake's own terms: each edge turns the kind into its
/// answer (an HTTP status on the server, a proxy response in Lambda) from one table.
public struct IntakeRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No token, or the wrong one: answered as if the endpoint did not exist.
        case unknownEndpoint
        /// Not a method the carrier calls with (POST; VoIP.ms also GET).
        case methodNotAllowed
        /// A content type the carrier's callbacks do not come in.
        case unsupportedContentType
        /// The right token, but not the carrier's signature, password or address: answered 403.
        case forbidden
        /// A body over the size limit.
        case tooLarge
        /// A body that cannot become an email at all; ``IntakeRejection/field`` names the field at fault.
        case invalidPayload
    }

    public let kind: Kind
    /// A reason safe to show the caller.
    public let reason: String
    /// The JSON path of the field at fault, for an invalid payload.
    public let field: String?
    /// The methods the endpoint takes, for a method not allowed (the `Allow` header).
    public let allowedMethods: [String]

    public init(_ kind: Kind, reason: String, field: String? = nil, allowedMethods: [String] = ["POST"]) {
        self.kind = kind
        self.reason = reason
        self.field = field
        self.allowedMethods = allowedMethods
    }

    public static let unknownEndpoint = IntakeRejection(.unknownEndpoint, reason: "not found")

    public var description: String { reason }
}
