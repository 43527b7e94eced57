import Foundation
import Testing

import SMSRelayCore

/// Callback bodies kept in `Fixtures/`, copied into the test bundle as a folder.
enum Fixture {
    struct NotFound: Error, CustomStringConvertible {
        let name: String
        var description: String { "fixture 'Fixtures/\(name)' is not in the test bundle" }
    }

    static func url(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw NotFound(name: name)
        }
        return url
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    /// Names of every `.json` file in the fixtures folder.
    static func allJSONNames() throws -> [String] {
        let folder = try url("README.md").deletingLastPathComponent()
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }
            .sorted()
    }
}

/// A fixed arrival time, far from every timestamp in the fixtures.
let arrival = Date(timeIntervalSince1970: 1_700_000_000)

/// A UTC date built with `Calendar`, independently of the parser's own arithmetic.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int, plus fraction: Double = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    return calendar.date(from: components)!.addingTimeInterval(fraction)
}

/// The parsed message, or a recorded failure.
func parseMessage(_ body: some Collection<UInt8>, sourceLocation: SourceLocation = #_sourceLocation) throws -> InboundMessage {
    let event = try FlowrouteParser.parse(body, receivedAt: arrival)
    guard case let .message(message) = event else {
        Issue.record("expected a message, got \(event)", sourceLocation: sourceLocation)
        throw EventKindMismatch()
    }
    return message
}

/// The parsed delivery receipt, or a recorded failure.
func parseReceipt(_ body: some Collection<UInt8>, sourceLocation: SourceLocation = #_sourceLocation) throws -> DeliveryReceipt {
    let event = try FlowrouteParser.parse(body, receivedAt: arrival)
    guard case let .deliveryReceipt(receipt) = event else {
        Issue.record("expected a delivery receipt, got \(event)", sourceLocation: sourceLocation)
        throw EventKindMismatch()
    }
    return receipt
}

struct EventKindMismatch: Error {}

/// Dates from fractional timestamps go through floating point; a microsecond is plenty close.
func expectSameInstant(_ actual: Date, _ expected: Date, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
        abs(actual.timeIntervalSince(expected)) < 0.000_001,
        "\(actual.timeIntervalSince1970) is not \(expected.timeIntervalSince1970)",
        sourceLocation: sourceLocation
    )
}

/// The error `parse` throws for `body`, or nil (recorded as a failure) when it parses.
func parseError(_ body: some Collection<UInt8>, sourceLocation: SourceLocation = #_sourceLocation) -> PayloadError? {
    do {
        let event = try FlowrouteParser.parse(body, receivedAt: arrival)
        Issue.record("expected an error, parsed \(event)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}
