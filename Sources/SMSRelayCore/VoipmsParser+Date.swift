import Foundation

/// The time of a VoIP.ms callback, from `date` (or `timestamp`).
///
/// VoIP.ms does not document the format or the zone of `{TIMESTAMP}`. A zone-less
/// `YYYY-MM-DD hh:mm:ss` is read as Eastern time (America/New_York), the zone of VoIP.ms's
/// Montreal base; if that puts the
/// message more than ``VoipmsParser/futureTolerance`` after its arrival, the zone cannot be the
/// right one and the arrival is used, with a notice. A time with a zone, or a Unix time, is read
/// as ``CarrierTimestamp`` reads it.
extension VoipmsParser {
    /// How far after the arrival a message time may be (clocks differ) before it is not believed.
    public static let futureTolerance: TimeInterval = 15 * 60

    static let callbackTimeZone = TimeZone(identifier: "America/New_York")

    static func time(_ fields: JSONObjectReader, receivedAt: Date, notices: inout [ParseNotice]) -> Date {
        guard let field = dateFields.first(where: { fields.trimmedText($0) != nil }), let text = fields.trimmedText(field) else {
            return receivedAt
        }
        if let local = localTime(text) {
            guard let date = local else {
                notices.append(ParseNotice(field: field, "cannot be read as Eastern time; the arrival time is used"))
                return receivedAt
            }
            guard date.timeIntervalSince(receivedAt) <= futureTolerance else {
                notices.append(ParseNotice(field: field, "read as Eastern time is after the callback arrived; the arrival time is used"))
                return receivedAt
            }
            return date
        }
        return fields.timestamp(field, notices: &notices) ?? receivedAt
    }

    /// nil when `text` is not a zone-less `YYYY-MM-DD hh:mm:ss`; `.some(nil)` when it is one but
    /// is not a valid time there.
    static func localTime(_ text: String) -> Date?? {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        guard let zone = callbackTimeZone, year >= 1970, (1...12).contains(month),
              (1...ISO8601Timestamp.daysInMonth(month, of: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return .some(nil) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return .some(calendar.date(from: components))
    }
}
