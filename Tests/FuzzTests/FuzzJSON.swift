import Foundation

@testable import SMSRelayCore

/// A JSON tree the fuzzer can bend out of shape: numbers are kept as their text (so `1e400` and
/// 30-digit integers survive), strings as raw bytes (so control characters, lone surrogate
/// escapes and invalid UTF-8 can be written), and serialisation is ours.
indirect enum FuzzJSON: Sendable {
    case null
    case bool(Bool)
    case number(String)
    /// Bytes written between the quotes as they are: escapes included.
    case string([UInt8])
    case array([FuzzJSON])
    case object([(String, FuzzJSON)])

    /// A tree from a real body, through the relay's own reader.
    init(parsing data: Data) throws {
        self = Self(try JSONValue.parse(data))
    }

    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .integer(let number): self = .number(String(number))
        case .double(let number): self = .number(number.isFinite ? String(number) : "1e400")
        case .string(let text): self = .text(text)
        case .array(let elements): self = .array(elements.map { FuzzJSON($0) })
        case .object(let fields): self = .object(fields.keys.sorted().map { ($0, FuzzJSON(fields[$0]!)) })
        }
    }

    /// A string value, escaped as a JSON encoder would.
    static func text(_ text: String) -> FuzzJSON {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": bytes += Array(#"\""#.utf8)
            case "\\": bytes += Array(#"\\"#.utf8)
            case "\n": bytes += Array(#"\n"#.utf8)
            case "\r": bytes += Array(#"\r"#.utf8)
            case "\t": bytes += Array(#"\t"#.utf8)
            default:
                if scalar.value < 0x20 {
                    bytes += Array(String(format: "\\u%04x", scalar.value).utf8)
                } else {
                    bytes += Array(String(scalar).utf8)
                }
            }
        }
        return .string(bytes)
    }

    var bytes: [UInt8] {
        var output: [UInt8] = []
        write(into: &output)
        return output
    }

    func write(into output: inout [UInt8]) {
        switch self {
        case .null: output += Array("null".utf8)
        case .bool(let flag): output += Array((flag ? "true" : "false").utf8)
        case .number(let text): output += Array(text.utf8)
        case .string(let raw):
            output.append(UInt8(ascii: "\""))
            output += raw
            output.append(UInt8(ascii: "\""))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                FuzzJSON.text(member.0).write(into: &output)
                output.append(UInt8(ascii: ":"))
                member.1.write(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    enum PathStep: Equatable, Sendable {
        case index(Int)
        case member(Int)
    }

    /// Applies `change` to the node at `path`; a change may return nil to delete the node from its parent.
    func replacing(at path: ArraySlice<PathStep>, with change: (FuzzJSON) -> FuzzJSON?) -> FuzzJSON? {
        guard let step = path.first else { return change(self) }
        switch (self, step) {
        case (.array(var elements), .index(let index)) where elements.indices.contains(index):
            if let replaced = elements[index].replacing(at: path.dropFirst(), with: change) {
                elements[index] = replaced
            } else {
                elements.remove(at: index)
            }
            return .array(elements)
        case (.object(var members), .member(let index)) where members.indices.contains(index):
            if let replaced = members[index].1.replacing(at: path.dropFirst(), with: change) {
                members[index].1 = replaced
            } else {
                members.remove(at: index)
            }
            return .object(members)
        default:
            return self
        }
    }
}
