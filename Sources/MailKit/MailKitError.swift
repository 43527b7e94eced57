/// Something MailKit could not do: parse an address, load or compile a template, compose an
/// email, read a received one.
///
/// The ``message`` says what was wrong and what to do about it; the ``code`` lets callers
/// branch without matching on text.
public struct MailKitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidAddress
            case noRecipients
            case templateNotFound
            case templateUnreadable
            case templateSyntax
            case templateNotLoaded
            case mediaCountMismatch
            case notAnEmail
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A string that is not an email address or mailbox (`name@domain`, `Name <name@domain>`).
        public static let invalidAddress = Code(.invalidAddress)
        /// A route whose recipient list names no address.
        public static let noRecipients = Code(.noRecipients)
        /// A template file that does not exist.
        public static let templateNotFound = Code(.templateNotFound)
        /// A template file that exists but cannot be read or is not UTF-8.
        public static let templateUnreadable = Code(.templateUnreadable)
        /// A template that is not valid Mustache.
        public static let templateSyntax = Code(.templateSyntax)
        /// A route names a template file the renderer was not given at start-up.
        public static let templateNotLoaded = Code(.templateNotLoaded)
        /// The outcomes given for a message's media are not one per item.
        public static let mediaCountMismatch = Code(.mediaCountMismatch)
        /// Received bytes that do not begin with a header section, so are not an email at all.
        public static let notAnEmail = Code(.notAnEmail)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// What went wrong, for a person: names the offending value or path and how to fix it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
