import Foundation

/// A time as carriers write it in a callback: ISO 8601 text (``ISO8601Timestamp``), an
/// RFC 1123 / RFC 5322 date (`Fri, 01 Mar 2024 18:22:33 GMT`), or a Unix time in seconds or
/// milliseconds, as a number or as digits in a string.
///
/// Only times from 1970 to 9999 are taken: anything else cannot be a message's time, and would
/// make a Date header with a year of 0000 or 10000.
enum CarrierTimestamp {
    static let earliest = Date(timeIntervalSince1970: 0)
    /// 9999-12-31T23:59:59Z.
    static let latest = Date(timeIntervalSince1970: 253_402_300_799)

    /// The time `value` holds, or nil when it holds none that can be read or is out of range.
    static func read(_ value: JSONValue) -> Date? {
        let date: Date?
        switch value {
        case .integer(let number): date = epoch(Double(number))
        case .double(let number): date = number.isFinite ? epoch(number) : nil
        case .string(let text): date = parse(text.trimmingBlanks())
        default: date = nil
        }
        guard let date, date >= earliest, date <= latest else { return nil }
        return date
    }

    static func parse(_ text: String) -> Date? {
        if let date = ISO8601Timestamp.parse(text) {
            return date
        }
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let number = Double(text) {
            return epoch(number)
        }
        return rfc1123(text)
    }

    /// Seconds since 1970; a number past the last second of 9999 is taken as milliseconds.
    private static func epoch(_ number: Double) -> Date? {
        guard number >= 0 else { return nil }
        return Date(timeIntervalSince1970: number > latest.timeIntervalSince1970 ? number / 1000 : number)
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `[Day, ]DD Mon YYYY hh:mm[:ss] zone`, the zone being GMT, UT, UTC, Z or ±hhmm.
    static func rfc1123(_ text: String) -> Date? {
        var parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if let first = parts.first, first.hasSuffix(",") {
            parts.removeFirst()
        }
        guard parts.count == 5,
              let day = Int(parts[0]), parts[0].count <= 2,
              let monthIndex = months.firstIndex(of: parts[1].lowercased().prefix(3).description), parts[1].count >= 3,
              let year = Int(parts[2]), parts[2].count == 4
        else { return nil }
        let clock = parts[3].split(separator: ":").map { Int($0) }
        guard clock.count == 2 || clock.count == 3, !clock.contains(nil),
              let hour = clock[0], let minute = clock[1]
        else { return nil }
        let second = clock.count == 3 ? clock[2]! : 0
        let month = monthIndex + 1
        guard year >= 1, (1...ISO8601Timestamp.daysInMonth(month, of: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }

        let zone = parts[4].uppercased()
        var offset = 0
        if ["GMT", "UT", "UTC", "Z"].contains(zone) {
            offset = 0
        } else if zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
                  let hours = Int(zone.dropFirst().prefix(2)), let minutes = Int(zone.suffix(2)), hours <= 23, minutes <= 59 {
            offset = (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        let days = ISO8601Timestamp.daysSinceUnixEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset))
    }
}
