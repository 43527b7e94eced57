import Foundation
import Testing

import SMSRelayCore

extension Fixture {
    /// A body kept in `Fixtures/<carrier>/`.
    static func data(_ name: String, carrier: Carrier) throws -> Data {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/\(carrier.rawValue)") else {
            throw NotFound(name: "\(carrier.rawValue)/\(name)")
        }
        return try Data(contentsOf: url)
    }
}

extension CarrierEvent {
    var message: InboundMessage? {
        guard case .message(let message) = self else { return nil }
        return message
    }

    var receipt: DeliveryReceipt? {
        guard case .deliveryReceipt(let receipt) = self else { return nil }
        return receipt
    }

    var ignoredReason: String? {
        guard case .ignored(let reason) = self else { return nil }
        return reason
    }
}

extension Carrier {
    /// The one event of a body, parsed with this carrier's parser at `arrival`.
    func event(_ body: some Collection<UInt8>, at receivedAt: Date = arrival) throws -> CarrierEvent {
        let parsed = try read(body, receivedAt: receivedAt)
        #expect(parsed.events.count == 1)
        return parsed.event
    }

    /// The error this carrier's parser refuses `body` with, or nil (recorded as a failure) when it parses.
    func refusal(_ body: some Collection<UInt8>, sourceLocation: SourceLocation = #_sourceLocation) -> PayloadError? {
        do {
            let parsed = try read(body, receivedAt: arrival)
            Issue.record("expected a refusal, parsed \(parsed.events)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}
