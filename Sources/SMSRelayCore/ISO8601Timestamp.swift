import Foundation

/// Reads the ISO 8601 date-times carriers put in callbacks, e.g.
/// `2017-12-22T01:52:39.39Z`, `2017-12-09T01:26:02.00Z`, `2024-03-01T09:15:00+01:00`.
///
/// Accepted: `YYYY-MM-DD`, then `T` or a space, then `hh:mm:ss`, an optional
/// fraction of any length (`.` or `,`), and an optional zone: `Z`, `±hh:mm`,
/// `±hhmm` or `±hh`. Without a zone the time is taken as UTC, which is what
/// carriers document. Out-of-range fields (month 13, 31 April, 25 o'clock)
/// are refused rather than rolled over, and so is year 0000.
enum ISO8601Timestamp {
    static func parse(_ text: String) -> Date? {
        var scanner = Scanner(Array(text.utf8))

        guard
            let year = scanner.number(digits: 4), scanner.take("-"),
            let month = scanner.number(digits: 2), scanner.take("-"),
            let day = scanner.number(digits: 2),
            scanner.take("T") || scanner.take("t") || scanner.take(" "),
            let hour = scanner.number(digits: 2), scanner.take(":"),
            let minute = scanner.number(digits: 2), scanner.take(":"),
            let second = scanner.number(digits: 2)
        else { return nil }

        guard
            year >= 1,
            (1...12).contains(month),
            (1...daysInMonth(month, of: year)).contains(day),
            (0...23).contains(hour),
            (0...59).contains(minute),
            (0...60).contains(second)  // 60: a leap second, counted into the next minute
        else { return nil }

        var fraction = 0.0
        if scanner.take(".") || scanner.take(",") {
            guard let value = scanner.fraction() else { return nil }
            fraction = value
        }

        var offsetSeconds = 0
        if scanner.take("Z") || scanner.take("z") {
            offsetSeconds = 0
        } else if let sign = scanner.sign() {
            guard let offsetHours = scanner.number(digits: 2), offsetHours <= 23 else { return nil }
            var offsetMinutes = 0
            if scanner.take(":") {
                guard let value = scanner.number(digits: 2) else { return nil }
                offsetMinutes = value
            } else if let value = scanner.number(digits: 2) {
                offsetMinutes = value
            }
            guard offsetMinutes <= 59 else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }

        guard scanner.isAtEnd else { return nil }

        let days = daysSinceUnixEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date. Counting
    /// years from March makes the leap day the last day of the year, so the
    /// day of the year follows from the month by one linear formula.
    static func daysSinceUnixEpoch(year: Int, month: Int, day: Int) -> Int {
        let marchYear = month <= 2 ? year - 1 : year
        let monthFromMarch = (month + 9) % 12  // March = 0 … February = 11
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        // Leap days from year 0 up to `marchYear`; `marchYear` is never negative since year >= 1.
        let leapDays = marchYear / 4 - marchYear / 100 + marchYear / 400
        let daysFromYearZero = marchYear * 365 + leapDays + dayOfYear
        // 1970-01-01 is day 719_468 when day 0 is 0000-03-01.
        return daysFromYearZero - 719_468
    }

    /// A cursor over the ASCII bytes of the timestamp.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { position == bytes.count }

        mutating func take(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        /// Exactly `digits` decimal digits.
        mutating func number(digits: Int) -> Int? {
            guard position + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<(position + digits)] {
                guard let digit = Self.digit(byte) else { return nil }
                value = value * 10 + digit
            }
            position += digits
            return value
        }

        /// One or more digits after the decimal mark; digits past nanoseconds are read but ignored.
        mutating func fraction() -> Double? {
            var numerator = 0
            var denominator = 1
            var count = 0
            while position < bytes.count, let digit = Self.digit(bytes[position]) {
                if count < 9 {
                    numerator = numerator * 10 + digit
                    denominator *= 10
                }
                count += 1
                position += 1
            }
            return count == 0 ? nil : Double(numerator) / Double(denominator)
        }

        mutating func sign() -> Int? {
            if take("+") { return 1 }
            if take("-") { return -1 }
            return nil
        }

        private static func digit(_ byte: UInt8) -> Int? {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
        }
    }
}
