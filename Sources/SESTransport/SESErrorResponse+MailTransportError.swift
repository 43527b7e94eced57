import MailKit
import SigV4

extension SESErrorResponse {
    /// How the outbox should treat this reply, and what to tell the operator.
    ///
    /// A refused message or credential is permanent (retrying sends the same thing and gets
    /// the same answer), throttling, clock skew and server faults are transient. Every message
    /// says what SES said, its code and HTTP status, and what to check; none contains a credential.
    /// - Parameter credentials: the credentials the request was signed with, when known.
    func mailTransportError(configuration: SESConfiguration, credentials: AWSCredentials? = nil) -> MailTransportError {
        let code = self.code ?? ""
        let said = saying
        let names = configuration.names
        // A key from the settings is checked where it is set; one from a provider where that provider got it.
        let fixed = configuration.credentials as? AWSCredentials
        let source = String(describing: configuration.credentials)
        switch Self.category(code: code, status: status) {
        case .messageRejected:
            return .permanent("SES rejected the message \(said); check that the sender (or its domain) is verified in SES in \(configuration.region) and, while the account is in the sandbox, that every recipient is verified too\(requestSuffix)")
        case .mailFromDomainNotVerified:
            return .permanent("SES refused the sender's custom MAIL FROM domain \(said); check the domain's MX and SPF records in the SES console, or remove the custom MAIL FROM setting\(requestSuffix)")
        case .accountSuspended:
            return .permanent("SES has suspended sending for this AWS account \(said); see the SES account dashboard and contact AWS Support\(requestSuffix)")
        case .sendingPaused:
            let where_ = configuration.configurationSetName.map { "the account or the configuration set \($0) (\(configuration.names.configurationSet))" } ?? "the account"
            return .permanent("SES sending is paused \(said); re-enable sending for \(where_), then retry the message from the dead-letter list\(requestSuffix)")
        case .badRequest:
            return .permanent("SES refused the request as invalid \(said); the message cannot be sent as it is\(requestSuffix)")
        case .notFound:
            let hint = configuration.configurationSetName.map { "check that the configuration set \($0) (\(configuration.names.configurationSet)) exists in \(configuration.region)" } ?? "check the region and \(configuration.names.endpoint)"
            return .permanent("SES could not find something the request names \(said); \(hint)\(requestSuffix)")
        case .signatureDoesNotMatch:
            let check = fixed == nil
                ? "the credentials came from \(source); check that it hands out a matching key and secret"
                : "check \(names.secretAccessKey): it must be the secret of the key in \(names.accessKeyID)"
            return .permanent("SES did not accept the request's signature \(said); \(check)\(requestSuffix)")
        case .unknownAccessKey:
            guard fixed != nil else {
                return .permanent("SES does not recognise the access key \(said); the credentials came from \(source): check that its role exists in this account and region\(requestSuffix)")
            }
            let token = (credentials ?? fixed)?.isTemporary == true ? " and that \(names.sessionToken) belongs to it" : ""
            return .permanent("SES does not recognise the access key \(said); check \(names.accessKeyID)\(token), and that the key is active\(requestSuffix)")
        case .expiredToken:
            guard fixed != nil else {
                // The provider refreshes before expiry; this machine's clock may be wrong.
                return .transient("SES refused expired temporary credentials from \(source) \(said); check this machine's clock, will retry with fresh credentials\(requestSuffix)")
            }
            return .permanent("SES refused expired temporary credentials \(said); refresh \(names.accessKeyID), \(names.secretAccessKey) and \(names.sessionToken)\(requestSuffix)")
        case .missingAuthentication:
            return .permanent("SES saw no usable signature on the request \(said); check \(configuration.names.endpoint): a proxy may be removing the Authorization header\(requestSuffix)")
        case .accessDenied:
            let identity = fixed == nil ? "the role of \(source)" : "this identity"
            return .permanent("the AWS credentials may not send email through SES \(said); allow ses:SendEmail and ses:SendRawEmail for \(identity) and sender in IAM\(requestSuffix)")
        case .throttled:
            return .transient("SES is throttling requests \(said); will retry later\(requestSuffix)")
        case .clockSkew:
            return .transient("SES refused the request's time \(said); check this machine's clock (it must be within 5 minutes of real time)\(requestSuffix)")
        case .serverFault:
            return .transient("SES failed to handle the request \(said); will retry later\(requestSuffix)")
        case .otherClientError:
            return .permanent("SES refused the request \(said)\(requestSuffix)")
        }
    }

    /// What was wrong, as far as the code and status tell.
    enum Category: Equatable {
        case messageRejected, mailFromDomainNotVerified, accountSuspended, sendingPaused
        case badRequest, notFound
        case signatureDoesNotMatch, unknownAccessKey, expiredToken, missingAuthentication, accessDenied
        case throttled, clockSkew, serverFault, otherClientError
    }

    static func category(code: String, status: Int) -> Category {
        switch code {
        case "MessageRejected": return .messageRejected
        case "MailFromDomainNotVerifiedException", "MailFromDomainNotVerified": return .mailFromDomainNotVerified
        case "AccountSuspendedException": return .accountSuspended
        case "SendingPausedException", "AccountSendingPausedException", "ConfigurationSetSendingPausedException": return .sendingPaused
        case "BadRequestException", "ValidationException", "ValidationError", "SerializationException",
            "InvalidParameterValue", "InvalidParameterException", "InvalidParameterCombination", "MissingParameter":
            return .badRequest
        case "NotFoundException", "ConfigurationSetDoesNotExistException", "ConfigurationSetDoesNotExist": return .notFound
        case "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException":
            return .signatureDoesNotMatch
        case "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId", "AuthFailure": return .unknownAccessKey
        case "ExpiredToken", "ExpiredTokenException": return .expiredToken
        case "MissingAuthenticationToken", "MissingAuthenticationTokenException": return .missingAuthentication
        case "RequestTimeTooSkewed", "RequestExpired", "RequestTimeTooSkewedException": return .clockSkew
        case "TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException",
            "ThrottledException", "RequestLimitExceeded", "SlowDown":
            return .throttled
        case "InternalFailure", "InternalServiceErrorException", "InternalServerError", "InternalError",
            "ServiceUnavailable", "ServiceUnavailableException":
            return .serverFault
        case _ where code.hasPrefix("AccessDenied"): return .accessDenied
        default: break
        }
        switch status {
        case 429: return .throttled
        case 408, 500...599: return .serverFault
        case 403 where code.isEmpty: return .accessDenied
        default: return .otherClientError
        }
    }

    /// `(MessageRejected, HTTP 400): Email address is not verified…`
    private var saying: String {
        let label = [code, "HTTP \(status)"].compactMap { $0 }.joined(separator: ", ")
        guard let message, !message.isEmpty else { return "(\(label))" }
        return "(\(label)): \"\(message)\""
    }

    private var requestSuffix: String {
        requestID.map { " [SES request ID \($0)]" } ?? ""
    }
}
