import Foundation
import TestSupport

/// Bends a form-encoded callback (Twilio's webhook, VoIP.ms's query), reproducibly from a seed:
/// fields dropped, repeated, renamed or given odd values (control characters, header injections,
/// broken UTF-8, bad percent escapes, huge numbers), separators doubled, the bytes cut or flipped;
/// one to three at a time.
struct FormMutator {
    private var random: SplitMix64
    private(set) var applied: [String] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static let values = Mutator.strings + Mutator.numbers + [
        "%", "%zz", "%E9", "%C3%28", "%00", "%0D%0ABcc:%20victim@example.com", "+", "++", "=", "&", ";", "{MEDIA}", "{TO}",
        "99999999999", "-3", "10", "11", "NaN", "https://example.invalid/a.jpg,https://example.invalid/b.png",
        String(repeating: "A", count: 5000), String(repeating: "%F0%9F%91%8B", count: 300),
    ]

    static let names = [
        "MessageSid", "SmsMessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "MediaUrl9",
        "MediaUrl10", "MessageStatus", "SmsStatus", "ErrorCode", "CallSid", "id", "from", "to", "message", "date", "media",
        "text", "timestamp", "", "%", "a%00b",
    ]

    mutating func mutate(_ form: String) -> [UInt8] {
        var pairs = form.split(separator: "&", omittingEmptySubsequences: false).map { piece -> (String, String) in
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        var rawDamage: [UInt8]?
        for _ in 0..<(1 + Int(random.next() % 3)) {
            switch random.next() % 8 {
            case 0 where !pairs.isEmpty:
                let index = pick(pairs.indices.map { $0 })
                applied.append("drop \(pairs[index].0)")
                pairs.remove(at: index)
            case 1 where !pairs.isEmpty:
                let index = pick(pairs.indices.map { $0 })
                let value = pick(Self.values)
                applied.append("\(pairs[index].0)=<odd value>")
                pairs[index].1 = Self.encodedLoosely(value)
            case 2 where !pairs.isEmpty:
                let index = pick(pairs.indices.map { $0 })
                applied.append("repeat \(pairs[index].0)")
                pairs.append(pairs[index])
            case 3:
                let name = pick(Self.names)
                applied.append("add \(name)")
                pairs.append((name, Self.encodedLoosely(pick(Self.values))))
            case 4 where !pairs.isEmpty:
                let index = pick(pairs.indices.map { $0 })
                applied.append("raw bytes into \(pairs[index].0)")
                pairs[index].1 += String(decoding: pick(Mutator.oddStringBytes), as: UTF8.self)
            case 5:
                applied.append("empty pairs")
                pairs.insert(("", ""), at: Int(random.next() % UInt64(pairs.count + 1)))
            case 6:
                applied.append("cut")
                rawDamage = rawDamage ?? []
            default:
                applied.append("flip a byte")
                rawDamage = rawDamage ?? []
                rawDamage?.append(UInt8(truncatingIfNeeded: random.next()))
            }
        }
        var bytes = Array(pairs.map { $0.0 + "=" + $0.1 }.joined(separator: "&").utf8)
        if let damage = rawDamage, !bytes.isEmpty {
            if damage.isEmpty {
                bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
            } else {
                for byte in damage where !bytes.isEmpty {
                    bytes[Int(random.next() % UInt64(bytes.count))] = byte
                }
            }
        }
        return bytes
    }

    /// `value` percent-encoded, but for the `%` of an escape it may hold on purpose.
    static func encodedLoosely(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~%+")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    private mutating func pick<T>(_ options: [T]) -> T {
        options[Int(random.next() % UInt64(options.count))]
    }
}
