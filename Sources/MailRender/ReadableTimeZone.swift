import Foundation
import MailKit

/// The time zone the emails show times in (`SMSRELAY_TIMEZONE`), and how they show them.
///
/// The fields come from the zone's offset at the moment shown and the same integer calendar as
/// ``UTCTime``, so the text does not depend on the host's locale; the zone is written as its UTC
/// offset (`UTC+01:00`), which no reader can take for another zone, as abbreviations such as
/// `IST` can be.
public struct ReadableTimeZone: Sendable, Equatable {
    /// The zone's name as configured: `UTC`, `Europe/Paris`.
    public let name: String
    public let timeZone: TimeZone

    public static let utc = ReadableTimeZone(name: "UTC", timeZone: TimeZone(secondsFromGMT: 0)!)

    /// The zone with the IANA name `name` (`Europe/Paris`, `America/New_York`, `UTC`), or nil
    /// when Foundation knows no zone of that name.
    public init?(named name: String) {
        guard let timeZone = TimeZone(identifier: name) else { return nil }
        self.init(name: name, timeZone: timeZone)
    }

    public init(name: String, timeZone: TimeZone) {
        self.name = name
        self.timeZone = timeZone
    }

    /// `Wednesday, 25 November 2026, 07:30:00 UTC+01:00`; `… 06:30:00 UTC` at an offset of zero.
    public func readable(_ date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = UTCTime(date.addingTimeInterval(TimeInterval(offset)))
        return local.readable(zone: offset == 0 ? "UTC" : "UTC" + UTCTime.offset(offset))
    }

    /// ISO 8601 in the zone, with its offset: `2026-11-25T07:30:00+01:00` (`…Z` at an offset of zero).
    public func iso8601(_ date: Date) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        return UTCTime(date.addingTimeInterval(TimeInterval(offset))).iso8601(offsetSeconds: offset)
    }
}
