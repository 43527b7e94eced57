import Foundation

/// A moment broken into its UTC calendar fields, computed with integer arithmetic so the result
/// never depends on the host's locale, time zone or calendar settings.
public struct UTCTime: Sendable, Equatable {
    public var year: Int
    /// 1...12
    public var month: Int
    /// 1...31
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// 0 = Sunday ... 6 = Saturday
    public var weekday: Int

    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = Self.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
        weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday

        // Civil date from a day count (proleptic Gregorian; eras of 400 years start on 1 March).
        let shifted = days + 719_468
        let era = Self.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }

    private static let shortWeekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let longWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let longMonths = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    /// RFC 5322 `date-time` in UTC: `Wed, 25 Nov 2026 06:30:00 +0000`.
    var rfc5322: String {
        "\(Self.shortWeekdays[weekday]), \(day) \(Self.shortMonths[month - 1]) \(pad(year, 4)) \(clock) +0000"
    }

    /// ISO 8601 in UTC to the second: `2026-11-25T06:30:00Z`.
    public var iso8601: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(clock)Z"
    }

    /// For people, in English: `Wednesday, 25 November 2026, 06:30:00 UTC`.
    public var readable: String {
        readable(zone: "UTC")
    }

    /// For people, in English, with the name of the zone the fields are in:
    /// `Wednesday, 25 November 2026, 07:30:00 UTC+01:00`.
    public func readable(zone: String) -> String {
        "\(Self.longWeekdays[weekday]), \(day) \(Self.longMonths[month - 1]) \(year), \(clock) \(zone)"
    }

    /// ISO 8601 to the second with a UTC offset, for fields that are `offsetSeconds` ahead of
    /// UTC: `2026-11-25T07:30:00+01:00` (`Z` for an offset of zero).
    public func iso8601(offsetSeconds: Int) -> String {
        guard offsetSeconds != 0 else { return iso8601 }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(clock)\(Self.offset(offsetSeconds))"
    }

    /// `+01:00`, `-05:00`, `+05:30`: a UTC offset in hours and minutes.
    public static func offset(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        let hours = String(minutes / 60), rest = String(minutes % 60)
        return (seconds < 0 ? "-" : "+") + String(repeating: "0", count: 2 - min(2, hours.count)) + hours
            + ":" + String(repeating: "0", count: 2 - rest.count) + rest
    }

    private var clock: String { "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))" }

    private func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
