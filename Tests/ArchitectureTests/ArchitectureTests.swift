import Foundation
import Testing

/// The import graph in `Package.swift` is the one `ARCHITECTURE.md` documents, and keeps its rules.
@Suite("Architecture")
struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Each non-test target of `Package.swift` and the targets of ours among its dependencies.
    static func packageGraph() throws -> [String: Set<String>] {
        parse(try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8))
    }

    /// The `.target` and `.executableTarget` declarations of a manifest (but those of tests and
    /// benchmarks), each with the bare-string dependencies: ours, where a package's is `.product(…)`.
    static func parse(_ text: String) -> [String: Set<String>] {
        var graph: [String: Set<String>] = [:]
        var rest = Substring(text)
        while let start = rest.range(of: #"\.(target|executableTarget)\("#, options: .regularExpression) {
            rest = rest[start.upperBound...]
            let body = block(rest)
            guard let name = firstQuoted(after: "name:", in: body),
                  !body.contains("path: \"Tests/"), !body.contains("path: \"Benchmarks/")
            else { continue }
            var dependencies: Set<String> = []
            if let list = body.range(of: "dependencies: [") {
                var scan = Substring(block(body[list.upperBound...], open: "[", close: "]"))
                while let product = scan.range(of: ".product(") {
                    dependencies.formUnion(quoted(in: scan[..<product.lowerBound]))
                    scan = scan[product.upperBound...]
                    scan = scan[(scan.firstIndex(of: ")") ?? scan.endIndex)...]
                }
                dependencies.formUnion(quoted(in: scan))
            }
            graph[name] = dependencies
        }
        return graph
    }

    /// The table between the markers of `ARCHITECTURE.md`.
    static func documentedGraph() throws -> [String: Set<String>] {
        let text = try String(contentsOf: root.appendingPathComponent("ARCHITECTURE.md"), encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- dependency graph: begin -->"))
        let end = try #require(text.range(of: "<!-- dependency graph: end -->"))
        var graph: [String: Set<String>] = [:]
        for line in text[begin.upperBound..<end.lowerBound].split(separator: "\n") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2, cells[0] != "target", !cells[0].hasPrefix("---") else { continue }
            graph[cells[0]] = cells[1] == "—" ? [] : Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return graph
    }

    @Test("every target's dependencies are the documented ones, no more and no fewer")
    func graphMatchesDocument() throws {
        let package = try Self.packageGraph()
        let documented = try Self.documentedGraph()
        #expect(package.count >= 10, "Package.swift was not read: \(package)")
        #expect(Set(package.keys) == Set(documented.keys), "targets in Package.swift and ARCHITECTURE.md differ")
        for (target, dependencies) in package {
            let expected = documented[target] ?? []
            #expect(dependencies == expected, "\(target): Package.swift has \(dependencies.sorted()), ARCHITECTURE.md shows \(expected.sorted())")
        }
    }

    @Test("the layering rules hold: Core, MailKit, MediaFetch and FlowrouteAPI stand alone, transports know no carrier, only the app targets wire")
    func rules() throws {
        let graph = try Self.packageGraph()
        #expect(graph["SMSRelayCore"] == [])
        #expect(graph["MailKit"] == [])
        // The media fetcher knows nothing of ours (no carrier, no mail), and only the app targets may use it.
        #expect(graph["MediaFetch"] == [])
        let mediaUsers = graph.filter { $0.value.contains("MediaFetch") }.map(\.key)
        #expect(Set(mediaUsers).isSubset(of: Self.apps), "MediaFetch is used by \(mediaUsers)")
        // Nor does the Flowroute API client (no carrier model, no mail), and only the app targets may use it.
        #expect(graph["FlowrouteAPI"] == [])
        let flowrouteUsers = graph.filter { $0.value.contains("FlowrouteAPI") }.map(\.key)
        #expect(Set(flowrouteUsers).isSubset(of: Self.apps.union(["CarrierAPI"])), "FlowrouteAPI is used by \(flowrouteUsers)")
        // The carriers' send APIs know no carrier model and no mail either (Flowroute's client
        // they adapt), and only the app targets use them.
        #expect(graph["CarrierAPI"] == ["FlowrouteAPI"])
        let carrierUsers = graph.filter { $0.value.contains("CarrierAPI") }.map(\.key)
        #expect(Set(carrierUsers).isSubset(of: Self.apps), "CarrierAPI is used by \(carrierUsers)")
        for transport in ["Transports", "SMTPTransport", "SESTransport"] {
            let dependencies = try #require(graph[transport])
            #expect(dependencies.isSubset(of: ["MailKit", "ComponentConfig", "SigV4"]), "\(transport): \(dependencies)")
        }
        for edge in ["SMSRelayServer", "LambdaRuntime"] {
            #expect(graph[edge] == ["SMSRelayIntake"], "\(edge): \(graph[edge] ?? [])")
        }
        #expect(graph["SMSRelayIntake"] == ["SMSRelayCore"])
        // The stores know the carrier model and nothing of mail: delivery is the app's.
        #expect(graph["Outbox"] == ["SMSRelayCore"])
        #expect(graph["PostgresOutbox"] == ["Outbox", "SMSRelayCore"])
        #expect(graph["smsrelay"] == ["SMSRelayApp", "GlibcCompat"])
        #expect(graph["smsrelay-lambda"] == ["SMSRelayLambdaApp", "GlibcCompat"])
        // Only the app targets depend on a transport or the Lambda edge, only SMSRelayApp on a store, the HTTP edge or the SMTP receiver; the other store on the outbox's protocol.
        for wired in ["Transports", "SMTPTransport", "SESTransport", "LambdaRuntime"] {
            let users = Set(graph.filter { $0.value.contains(wired) }.map(\.key))
            #expect(users == Self.apps, "\(wired) is used by \(users)")
        }
        for wired in ["PostgresOutbox", "SMSRelayServer", "SMTPReceiver"] {
            let users = graph.filter { $0.value.contains(wired) }.map(\.key)
            #expect(users == ["SMSRelayApp"], "\(wired) is used by \(users)")
        }
        // The lean Lambda executable links no HTTP server, outbox store or SMTP receiver.
        let lean = Self.closure(of: "smsrelay-lambda", in: graph)
        #expect(lean.isDisjoint(with: ["SMSRelayApp", "SMSRelayServer", "Outbox", "PostgresOutbox", "SMTPReceiver"]), "\(lean.sorted())")
        let outboxUsers = Set(graph.filter { $0.value.contains("Outbox") }.map(\.key))
        #expect(outboxUsers == ["SMSRelayApp", "PostgresOutbox"], "Outbox is used by \(outboxUsers)")
    }

    /// The app targets: the only ones that wire components together.
    static let apps: Set<String> = ["SMSRelayApp", "SMSRelayLambdaApp"]

    /// Every target of ours that `target` depends on, directly or not.
    static func closure(of target: String, in graph: [String: Set<String>]) -> Set<String> {
        var seen: Set<String> = []
        var next = graph[target] ?? []
        while let name = next.popFirst() {
            guard seen.insert(name).inserted else { continue }
            next.formUnion(graph[name] ?? [])
        }
        return seen
    }

    @Test("the reader sees through nesting and products", arguments: [
        (#".target(name: "A", dependencies: ["B", .product(name: "C", package: "c"), "D"])"#, ["A": Set(["B", "D"])]),
        (#".executableTarget(name: "E")"#, ["E": Set<String>()]),
        (#".target(name: "T", dependencies: ["A"], path: "Tests/T")"#, [:]),
    ])
    func reader(_ source: String, _ expected: [String: Set<String>]) throws {
        #expect(Self.parse(source) == expected)
    }

    /// The text up to the bracket that closes the one just opened.
    static func block(_ text: Substring, open: Character = "(", close: Character = ")") -> String {
        var depth = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == open { depth += 1 }
            if text[index] == close {
                depth -= 1
                if depth == 0 { break }
            }
            index = text.index(after: index)
        }
        return String(text[..<index])
    }

    static func firstQuoted(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        return quoted(in: text[range.upperBound...]).first
    }

    /// Every "string literal" in the text, in order.
    static func quoted(in text: Substring) -> [String] {
        text.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}
