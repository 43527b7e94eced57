/// Where the email for one of our numbers goes, and how it looks.
public struct Route: Sendable, Equatable {
    /// Email addresses that receive the message (`Name <addr>` or `addr`).
    public var recipients: [String]
    /// The `From` address; the sender's number becomes its display name.
    public var sender: String
    /// Template files that replace the built-in ones, where set.
    public var templates: TemplatePaths
    /// Addresses besides the recipients that may answer a text by email (`reply_from`).
    public var replyFrom: [String]
    /// Names of known numbers (`contacts`), keyed by ``Conversation/participantKey(_:)``.
    public var contacts: [String: String]

    public init(
        recipients: [String], sender: String, templates: TemplatePaths = TemplatePaths(), replyFrom: [String] = [],
        contacts: [String: String] = [:]
    ) {
        self.recipients = recipients
        self.sender = sender
        self.templates = templates
        self.replyFrom = replyFrom
        self.contacts = Self.keyed(contacts)
    }

    /// The name given to `number` in the route's contacts, if any.
    public func contactName(for number: String) -> String? {
        contacts[Conversation.participantKey(number)]
    }

    /// `contacts` keyed by ``Conversation/participantKey(_:)``.
    static func keyed(_ contacts: [String: String]) -> [String: String] {
        var keyed: [String: String] = [:]
        for (number, name) in contacts {
            keyed[Conversation.participantKey(number)] = name
        }
        return keyed
    }
}

/// Paths of Mustache template files; a nil path means the built-in template.
public struct TemplatePaths: Sendable, Equatable, Hashable {
    public var subject: String?
    public var text: String?
    public var html: String?

    public init(subject: String? = nil, text: String? = nil, html: String? = nil) {
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// These paths, with any unset one taken from `fallback`.
    public func merged(over fallback: TemplatePaths) -> TemplatePaths {
        TemplatePaths(
            subject: subject ?? fallback.subject,
            text: text ?? fallback.text,
            html: html ?? fallback.html
        )
    }
}

/// The settings of one destination number; what it leaves unset comes from the defaults.
public struct RouteOverride: Sendable, Equatable {
    public var recipients: [String]?
    public var sender: String?
    public var templates: TemplatePaths
    /// Addresses that may reply besides the route's recipients; added to the default route's.
    public var replyFrom: [String]?
    /// Names of known numbers for this route; added to the default route's, and used over them
    /// for a number both name.
    public var contacts: [String: String]?
    /// The carrier the number is with (`carrier:` in the config file): what `smsrelay send-sms`
    /// sends through from it, and a check that the carrier is on.
    public var carrier: Carrier?

    public init(
        recipients: [String]? = nil, sender: String? = nil, templates: TemplatePaths = TemplatePaths(), replyFrom: [String]? = nil,
        contacts: [String: String]? = nil, carrier: Carrier? = nil
    ) {
        self.recipients = recipients
        self.sender = sender
        self.templates = templates
        self.replyFrom = replyFrom
        self.contacts = contacts
        self.carrier = carrier
    }
}

/// Maps a destination number (one of ours) to its route. Numbers are compared by their digits
/// only, so `+1 (206) 641-8000` and `12066418000` name the same number.
public struct RoutingTable: Sendable, Equatable {
    public var defaultRoute: Route
    public private(set) var overrides: [String: RouteOverride]

    public init(defaultRoute: Route, overrides: [String: RouteOverride] = [:]) {
        self.defaultRoute = defaultRoute
        self.overrides = [:]
        for (number, override) in overrides {
            self.overrides[Self.normalize(number)] = override
        }
    }

    /// The route for a message sent to `number`.
    public func route(for number: String) -> Route {
        guard let override = overrides[Self.normalize(number)] else { return defaultRoute }
        return Route(
            recipients: override.recipients ?? defaultRoute.recipients,
            sender: override.sender ?? defaultRoute.sender,
            templates: override.templates.merged(over: defaultRoute.templates),
            replyFrom: defaultRoute.replyFrom + (override.replyFrom ?? []),
            contacts: defaultRoute.contacts.merging(Route.keyed(override.contacts ?? [:])) { _, routes in routes }
        )
    }

    /// The carrier the route of `number` names, if it names one.
    public func carrier(for number: String) -> Carrier? {
        overrides[Self.normalize(number)]?.carrier
    }

    /// The digits of a phone number, in order; everything else dropped.
    public static func normalize(_ number: String) -> String {
        String(number.unicodeScalars.filter { $0.properties.numericType == .decimal && $0.isASCII }.map(Character.init))
    }
}
