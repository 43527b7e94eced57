/// Something the receiver could not do: take its configuration, read its certificate or listen.
///
/// The ``message`` says what was wrong and what to check.
public struct SMTPReceiverError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for a person.
    public let message: String
    /// The kind of failure, for a program.
    public let code: Code

    public init(_ code: Code, _ message: String) {
        (self.code, self.message) = (code, message)
    }

    public var description: String { message }

    /// The kinds of failure; more may come, so a `switch` over them needs a default.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(named name: String) {
            self.name = name
        }

        /// A setting of ``SMTPReceiverConfiguration`` is out of range.
        public static let invalidConfiguration = Code(named: "invalidConfiguration")
        /// The TLS certificate or key file is missing, unreadable, or the two do not match.
        public static let certificateUnreadable = Code(named: "certificateUnreadable")
        /// The listening socket could not be opened (address in use, not ours, no permission).
        public static let bindFailed = Code(named: "bindFailed")
        /// The server stopped, or failed to start, before it listened.
        public static let notRunning = Code(named: "notRunning")

        public var description: String { name }
    }
}
