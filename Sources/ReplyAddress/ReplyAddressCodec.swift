import Crypto
import Foundation
import SMSRelayCore

/// Writes and reads the local parts of reply addresses: `sms1-<our number>-<texter>-<mac>` for a
/// Flowroute text between two numbers (the first format, kept so that earlier emails' replies
/// still work), `sms2-<kind>-<our number>-<texter>-<mac>` for every other: the kind is the
/// carrier's letter (``carrierCodes``), followed by `g` for a group text, whose address has the
/// group's code (``ReplyAddress/groupCode(conversationKey:)``) where the texter's number would be.
///
/// The address itself routes a reply — no lookup, no state — and cannot be forged or altered: the
/// MAC is the first 80 bits of HMAC-SHA256 under the relay's reply secret, over the version, the
/// kind, both numbers and the reply domain, written in lowercase base32. Everything in it is
/// digits, lowercase letters and `-`, so a mail system that changes its case changes nothing, and
/// it is at most 4 + 1 + 2 + 1 + 15 + 1 + 15 + 1 + 16 = 56 characters, within the 64 SMTP allows a
/// local part.
public struct ReplyAddressCodec: Sendable {
    /// The version prefix of the first format (Flowroute, two numbers).
    public static let version = "sms1"
    /// The version prefix of the format with a kind.
    public static let taggedVersion = "sms2"
    /// Each carrier's letter in the kind field.
    public static let carrierCodes: [Carrier: Character] = [
        .flowroute: "f", .twilio: "t", .telnyx: "x", .bandwidth: "b", .voipms: "v",
    ]
    /// Bytes of the HMAC kept: 80 bits.
    static let macBytes = 10

    private let key: SymmetricKey
    /// The reply domain, lowercase: `sms.example.com`.
    public let domain: String

    /// - Parameters:
    ///   - secret: the reply secret (`SMSRELAY_REPLY_SECRET`); at least 16 bytes.
    ///   - domain: the domain replies are addressed to (`SMSRELAY_REPLY_DOMAIN`).
    public init(secret: String, domain: String) {
        key = SymmetricKey(data: Array(secret.utf8))
        self.domain = domain.lowercased()
    }

    /// The full address, `local@domain`, or nil when a number is not 1 to 15 digits.
    public func address(for reply: ReplyAddress) -> String? {
        localPart(for: reply).map { $0 + "@" + domain }
    }

    /// The local part for `reply`, or nil when either number is not 1 to 15 digits (a carrier
    /// may give a number in another form; such a message gets no reply address, never a crash).
    public func localPart(for reply: ReplyAddress) -> String? {
        guard ReplyAddress.isNumber(reply.ourNumber) else { return nil }
        if let code = reply.groupCode {
            guard ReplyAddress.isGroupCode(code), let kind = Self.kind(of: reply) else { return nil }
            return [Self.taggedVersion, kind, reply.ourNumber, code, Base32.lowercase(mac(reply))].joined(separator: "-")
        }
        guard ReplyAddress.isNumber(reply.texterNumber) else { return nil }
        guard let kind = Self.kind(of: reply) else {
            return [Self.version, reply.ourNumber, reply.texterNumber, Base32.lowercase(mac(reply))].joined(separator: "-")
        }
        return [Self.taggedVersion, kind, reply.ourNumber, reply.texterNumber, Base32.lowercase(mac(reply))].joined(separator: "-")
    }

    /// The kind field of `reply`: nil for the first format (Flowroute, two numbers).
    static func kind(of reply: ReplyAddress) -> String? {
        if reply.carrier == .flowroute, !reply.isGroup { return nil }
        return String(carrierCodes[reply.carrier] ?? "f") + (reply.isGroup ? "g" : "")
    }

    /// The carrier and group flag a kind field stands for.
    static func reading(kind: Substring) -> (Carrier, Bool)? {
        guard let letter = kind.first, kind.count <= 2, kind.count == 1 || kind.last == "g",
              let carrier = carrierCodes.first(where: { $0.value == letter })?.key
        else { return nil }
        // A Flowroute text between two numbers has the first format only: one address per reply.
        guard carrier != .flowroute || kind.count == 2 else { return nil }
        return (carrier, kind.count == 2)
    }

    /// The reply an address stands for.
    /// - Parameter address: `local@domain` as the mail arrived (any case); the domain must be ours.
    /// - Throws: ``ReplyAddressError`` when it is not a reply address of ours, or it was altered.
    public func decode(_ address: String) throws(ReplyAddressError) -> ReplyAddress {
        let lowered = address.trimmingCharacters(in: .whitespaces).lowercased()
        guard let at = lowered.lastIndex(of: "@") else {
            throw ReplyAddressError(.notAReplyAddress, "\(address) has no domain")
        }
        guard lowered[lowered.index(after: at)...] == domain else {
            throw ReplyAddressError(.notAReplyAddress, "\(address) is not addressed to the reply domain \(domain)")
        }
        let fields = lowered[..<at].split(separator: "-", omittingEmptySubsequences: false)
        let reply: ReplyAddress
        let code: Substring
        if fields.count == 4, fields[0] == Self.version {
            guard ReplyAddress.isNumber(fields[1]), ReplyAddress.isNumber(fields[2]) else {
                throw ReplyAddressError(.notAReplyAddress, "\(address) does not hold two phone numbers")
            }
            reply = ReplyAddress(ourNumber: String(fields[1]), texterNumber: String(fields[2]))
            code = fields[3]
        } else if fields.count == 5, fields[0] == Self.taggedVersion {
            guard let (carrier, isGroup) = Self.reading(kind: fields[1]) else {
                throw ReplyAddressError(.notAReplyAddress, "\(address) does not name a carrier the relay knows")
            }
            if isGroup {
                guard ReplyAddress.isNumber(fields[2]), ReplyAddress.isGroupCode(fields[3]) else {
                    throw ReplyAddressError(.notAReplyAddress, "\(address) does not hold a phone number and a group's code")
                }
                reply = ReplyAddress(carrier: carrier, ourNumber: String(fields[2]), texterNumber: "", groupCode: String(fields[3]))
            } else {
                guard ReplyAddress.isNumber(fields[2]), ReplyAddress.isNumber(fields[3]) else {
                    throw ReplyAddressError(.notAReplyAddress, "\(address) does not hold two phone numbers")
                }
                reply = ReplyAddress(carrier: carrier, ourNumber: String(fields[2]), texterNumber: String(fields[3]))
            }
            code = fields[4]
        } else {
            throw ReplyAddressError(
                .notAReplyAddress, "\(address) is not a reply address (\(Self.version)-<number>-<number>-<code> or \(Self.taggedVersion)-<kind>-…)")
        }
        guard let given = Base32.decodeLowercase(String(code)), given.count == Self.macBytes,
              ConstantTime.equals(given, mac(reply))
        else {
            throw ReplyAddressError(.forged, "\(address) does not carry a valid code: it was altered, or made with another reply secret")
        }
        return reply
    }

    private func mac(_ reply: ReplyAddress) -> [UInt8] {
        let kind = Self.kind(of: reply)
        var message = Array("smsrelay reply \(kind == nil ? Self.version : Self.taggedVersion)".utf8)
        for field in (kind.map { [$0] } ?? []) + [reply.ourNumber, reply.groupCode ?? reply.texterNumber, domain] {
            message.append(0)
            message += Array(field.utf8)
        }
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key).prefix(Self.macBytes))
    }
}

/// Why an address is not a reply the relay will send.
public struct ReplyAddressError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Not shaped like a reply address of ours (or not for our domain).
        case notAReplyAddress
        /// Shaped like one, but its code does not match: altered or forged.
        case forged
    }

    public var kind: Kind
    public var message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
