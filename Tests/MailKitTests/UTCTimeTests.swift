import Foundation
import Testing

@testable import MailKit

@Suite("UTC time formats")
struct UTCTimeTests {
    struct Sample: Sendable, CustomTestStringConvertible {
        var seconds: Double
        var rfc5322: String
        var iso8601: String
        var testDescription: String { iso8601 }
    }

    static let samples = [
        Sample(seconds: 0, rfc5322: "Thu, 1 Jan 1970 00:00:00 +0000", iso8601: "1970-01-01T00:00:00Z"),
        Sample(seconds: -1, rfc5322: "Wed, 31 Dec 1969 23:59:59 +0000", iso8601: "1969-12-31T23:59:59Z"),
        Sample(seconds: 1_709_208_000.75, rfc5322: "Thu, 29 Feb 2024 12:00:00 +0000", iso8601: "2024-02-29T12:00:00Z"),
        Sample(seconds: 1_795_588_200, rfc5322: "Wed, 25 Nov 2026 06:30:00 +0000", iso8601: "2026-11-25T06:30:00Z"),
        Sample(seconds: 4_107_542_400, rfc5322: "Mon, 1 Mar 2100 00:00:00 +0000", iso8601: "2100-03-01T00:00:00Z"),
    ]

    @Test("dates are written in UTC whatever the host settings", arguments: samples)
    func formats(_ sample: Sample) {
        let time = UTCTime(Date(timeIntervalSince1970: sample.seconds))
        #expect(time.rfc5322 == sample.rfc5322)
        #expect(time.iso8601 == sample.iso8601)
    }

    @Test("the readable form spells out the day and month")
    func readable() {
        #expect(UTCTime(MIMETestSupport.novemberMorning).readable == "Wednesday, 25 November 2026, 06:30:00 UTC")
    }

    @Test("the same moments agree with Foundation's ISO 8601 formatter", arguments: samples)
    func agreesWithFoundation(_ sample: Sample) {
        let date = Date(timeIntervalSince1970: sample.seconds.rounded(.down))
        #expect(UTCTime(date).iso8601 == ISO8601DateFormatter().string(from: date))
    }
}
