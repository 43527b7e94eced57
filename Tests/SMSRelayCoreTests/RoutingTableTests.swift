import Testing

import SMSRelayCore

@Suite("Routing table")
struct RoutingTableTests {
    static let defaults = Route(
        recipients: ["Front Desk <desk@example.com>"],
        sender: "sms@example.com",
        templates: TemplatePaths(subject: "/etc/smsrelay/subject.mustache", text: "/etc/smsrelay/text.mustache")
    )

    @Test("normalising keeps the ASCII digits in order and drops everything else")
    func normalize() {
        #expect(RoutingTable.normalize("+1 (206) 641-8000") == "12066418000")
        #expect(RoutingTable.normalize("12066418000") == "12066418000")
        #expect(RoutingTable.normalize("tel:+1.206.641.8000;ext=12") == "1206641800012")
        #expect(RoutingTable.normalize("١٢٣٤") == "")
        #expect(RoutingTable.normalize("１２３") == "")
        #expect(RoutingTable.normalize("") == "")
    }

    @Test("an unmatched number gets the default route")
    func unmatchedUsesDefault() {
        let table = RoutingTable(
            defaultRoute: Self.defaults,
            overrides: ["12066418000": RouteOverride(recipients: ["ops@example.com"])]
        )
        #expect(table.route(for: "18553569768") == Self.defaults)
        #expect(table.route(for: "") == Self.defaults)
        #expect(RoutingTable(defaultRoute: Self.defaults).route(for: "12066418000") == Self.defaults)
    }

    @Test("an override matches however either side writes the number")
    func overrideMatchesFormattedNumbers() {
        let table = RoutingTable(
            defaultRoute: Self.defaults,
            overrides: ["+1 (206) 641-8000": RouteOverride(recipients: ["ops@example.com"])]
        )
        #expect(table.overrides.keys.sorted() == ["12066418000"])
        #expect(table.route(for: "12066418000").recipients == ["ops@example.com"])
        #expect(table.route(for: "+12066418000").recipients == ["ops@example.com"])
        #expect(table.route(for: "1-206-641-8000").recipients == ["ops@example.com"])
    }

    @Test("an override replaces only what it sets; the rest comes from the defaults")
    func overrideMergesWithDefaults() {
        let table = RoutingTable(
            defaultRoute: Self.defaults,
            overrides: [
                "12066418000": RouteOverride(recipients: ["ops@example.com", "Lead <lead@example.com>"]),
                "18553569768": RouteOverride(sender: "alerts@example.com", templates: TemplatePaths(html: "/srv/alert.html")),
                "12065550100": RouteOverride(templates: TemplatePaths(subject: "/srv/subject.mustache")),
            ]
        )

        #expect(
            table.route(for: "12066418000")
                == Route(
                    recipients: ["ops@example.com", "Lead <lead@example.com>"],
                    sender: "sms@example.com",
                    templates: Self.defaults.templates
                )
        )
        #expect(
            table.route(for: "18553569768")
                == Route(
                    recipients: ["Front Desk <desk@example.com>"],
                    sender: "alerts@example.com",
                    templates: TemplatePaths(
                        subject: "/etc/smsrelay/subject.mustache",
                        text: "/etc/smsrelay/text.mustache",
                        html: "/srv/alert.html"
                    )
                )
        )
        #expect(
            table.route(for: "12065550100").templates
                == TemplatePaths(subject: "/srv/subject.mustache", text: "/etc/smsrelay/text.mustache")
        )
    }

    @Test("template paths merge field by field")
    func templateMerge() {
        let fallback = TemplatePaths(subject: "s", text: "t", html: "h")
        #expect(TemplatePaths().merged(over: fallback) == fallback)
        #expect(TemplatePaths(text: "mine").merged(over: fallback) == TemplatePaths(subject: "s", text: "mine", html: "h"))
        #expect(fallback.merged(over: TemplatePaths()) == fallback)
    }
}
