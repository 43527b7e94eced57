import Foundation
import TestSupport

/// Bends a real or adversarial callback body, reproducibly from a seed: type swaps, nulls,
/// deletions, huge and tiny numbers, control characters, deep nesting, odd escapes and random
/// bytes, one to three at a time.
struct Mutator {
    private var random: SplitMix64
    private(set) var applied: [String] = []

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    static let numbers = [
        "1e400", "-1e400", "1e-400", "123456789012345678901234567890", "0", "-0", "9223372036854775808",
        "-9223372036854775809", "1.5", "16085612999", "18553569768", "1709317353", "1709317353250", "-1", "3.0e10",
    ]

    static let strings = [
        "", " ", "true", "false", "0", "58017", "null", "outbound", "inbound", "message", "delivery_receipt", "media",
        "+1 (206) 641-8000", "12066418000", "AMAZON", "Fri, 01 Mar 2024 18:22:33 GMT", "2024-03-01T18:22:33.123456Z",
        "1969-12-31T23:59:59Z", "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "javascript:alert(1)",
        "https://mms.example.invalid/a b.jpg", "https://mms.example.invalid/x\r\nBcc: victim@example.com",
        "photo\r\nContent-Type: text/html", "=?utf-8?q?injected?=", "<script>alert(1)</script>", "👋🏽 emoji", "\u{202E}gpj.exe",
    ]

    /// Bytes that, inside a string, are not what a well-behaved carrier sends.
    static let oddStringBytes: [[UInt8]] = [
        Array(#"\ud83d"#.utf8), Array(#"\udc00"#.utf8), Array(#"\ud83d\udc4b"#.utf8), Array(#"\u0000"#.utf8),
        [0x00], [0x07], [0x0D, 0x0A], [0x0A], [0x0D], [0x1B], [0x7F], [0xC2, 0x85], [0xE2, 0x80, 0xA8],
        [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], Array("\r\nFrom: forged@example.com\r\n".utf8),
    ]

    mutating func mutate(_ document: FuzzJSON) -> [UInt8] {
        var document = document
        let count = 1 + Int(random.next() % 3)
        var rawDamage = false
        for _ in 0..<count {
            switch random.next() % 9 {
            case 0: document = changeNode(document, "type swap") { Self.swapped($0) }
            case 1: document = changeNode(document, "null") { _ in .null }
            case 2: document = changeNode(document, "deletion") { _ in nil }
            case 3: document = changeNode(document, "number") { [value = pick(Self.numbers)] _ in .number(value) }
            case 4: document = changeNode(document, "string") { [value = pick(Self.strings)] _ in .text(value) }
            case 5: document = changeNode(document, "odd string bytes") { [odd = pick(Self.oddStringBytes)] node in
                    if case .string(let raw) = node { return .string(raw + odd) }
                    return .string(odd)
                }
            case 6: document = changeNode(document, "deep nesting") { [depth = 1 + Int(random.next() % 400), asArray = random.next() % 2 == 0] node in
                    var nested = node
                    for _ in 0..<depth { nested = asArray ? .array([nested]) : .object([("n", nested)]) }
                    return nested
                }
            case 7: document = changeNode(document, "duplicated array") { node in
                    if case .array(let elements) = node, let first = elements.first { return .array(Array(repeating: first, count: 50)) }
                    return node
                }
            default:
                rawDamage = true
            }
        }
        var bytes = document.bytes
        if rawDamage {
            for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: position)
                default: bytes.insert(Array(#"{}[]",:0\"#.utf8)[Int(random.next() % 9)], at: position)
                }
            }
            applied.append("random bytes")
        }
        return bytes
    }

    private mutating func changeNode(_ document: FuzzJSON, _ name: String, _ change: (FuzzJSON) -> FuzzJSON?) -> FuzzJSON {
        let path = randomPath(in: document)
        applied.append("\(name) at \(path)")
        return document.replacing(at: path[...], with: change) ?? .null
    }

    /// A path found by a random walk from the root: at each container, stop there one time in
    /// three, else go on into a random child. Cheaper than counting every node, and it reaches
    /// every depth.
    private mutating func randomPath(in document: FuzzJSON) -> [FuzzJSON.PathStep] {
        var path: [FuzzJSON.PathStep] = []
        var node = document
        while true {
            switch node {
            case .array(let elements) where !elements.isEmpty && random.next() % 3 != 0:
                let index = Int(random.next() % UInt64(elements.count))
                path.append(.index(index))
                node = elements[index]
            case .object(let members) where !members.isEmpty && random.next() % 3 != 0:
                let index = Int(random.next() % UInt64(members.count))
                path.append(.member(index))
                node = members[index].1
            default:
                return path
            }
        }
    }

    private static func swapped(_ node: FuzzJSON) -> FuzzJSON {
        switch node {
        case .string(let raw):
            let text = String(decoding: raw, as: UTF8.self)
            return Double(text) != nil ? .number(text) : .number("42")
        case .number(let text): return .text(text)
        case .bool(let flag): return .text(String(flag))
        case .null: return .object([])
        case .array(let elements): return elements.first ?? .array([])
        case .object: return .array([node])
        }
    }

    private mutating func pick<T>(_ options: [T]) -> T {
        options[Int(random.next() % UInt64(options.count))]
    }
}
