import Foundation
import Outbox
import Testing
import TestSupport

@testable import MailKit
import MailRender
@testable import SMSRelayCore

/// Mutates real and adversarial callback bodies and checks the whole way to the email for each:
/// no crash; a refusal names the field (unless the body is not a Flowroute callback at all: not
/// JSON, not an object, no known shape); a message is stored and read back unchanged, and its
/// email has exactly the expected header fields, no CR or LF inside a header, and the text intact
/// in the text part.
///
/// `FUZZ_CASES` sets the number of cases (20 000 by default); a failing case prints its seed, and
/// `FUZZ_SEED=<seed>` replays that one case alone.
@Suite("Callback fuzzing")
struct CallbackFuzzTests {
    static let baseSeed: UInt64 = 0x5EED_CA11_BAC4_0001
    static let arrival = Date(timeIntervalSince1970: 1_700_000_000)

    struct SeedDocument: Sendable {
        var name: String
        var carrier: Carrier
        var document: FuzzJSON
    }

    /// Every JSON body the fuzzer starts from: Flowroute's fixtures and the corpus, Telnyx's and
    /// Bandwidth's fixtures, but for the few large ones (they are in the corpus test; mutating
    /// them costs time and finds nothing new).
    static func seedDocuments() throws -> [SeedDocument] {
        var documents: [SeedDocument] = []
        let folders: [(URL, Carrier)] = [
            (Corpus.fixturesFolder, .flowroute), (Corpus.folder, .flowroute),
            (Corpus.fixturesFolder.appendingPathComponent("telnyx"), .telnyx),
            (Corpus.fixturesFolder.appendingPathComponent("bandwidth"), .bandwidth),
        ]
        for (folder, carrier) in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") && $0 != Corpus.expectationsFile }
            for name in names.sorted() {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                guard data.count <= 8192, let document = try? FuzzJSON(parsing: data) else { continue }
                switch document {
                case .object, .array where carrier == .bandwidth:
                    documents.append(SeedDocument(name: "\(carrier.rawValue)/\(name)", carrier: carrier, document: document))
                default:
                    continue
                }
            }
        }
        return documents
    }

    /// The form bodies the form fuzzer starts from: Twilio's and VoIP.ms's fixtures.
    static func seedForms() throws -> [(name: String, carrier: Carrier, form: String)] {
        var forms: [(name: String, carrier: Carrier, form: String)] = []
        for carrier in [Carrier.twilio, .voipms] {
            let folder = Corpus.fixturesFolder.appendingPathComponent(carrier.rawValue)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).filter({ $0.hasSuffix(".txt") }).sorted() {
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                forms.append(("\(carrier.rawValue)/\(name)", carrier, text.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
        }
        return forms
    }

    @Test("20 000 mutated callbacks: a clear refusal or a stored message with a well-formed email, never a crash")
    func mutatedCallbacks() async throws {
        let seeds = Self.seeds(default: 20_000, share: 1, offset: 0)
        let documents = try Self.seedDocuments()
        #expect(documents.count >= 10)
        #expect(Set(documents.map(\.carrier)) == [.flowroute, .telnyx, .bandwidth])
        let outcomes = try await Self.run(seeds, replay: "CallbackFuzzTests") { seed in
            var mutator = Mutator(seed: seed)
            let start = documents[Int(seed % UInt64(documents.count))]
            return (start.name, start.carrier, mutator.mutate(start.document), mutator.applied)
        }
        // The mutations must reach every outcome, or the fuzzing proves little.
        if seeds.count >= 1000 {
            for outcome in ["message", "refused with a field", "not a callback"] {
                #expect(outcomes[outcome, default: 0] > seeds.count / 50, "\(outcomes)")
            }
        }
    }

    @Test("5 000 mutated form callbacks (Twilio, VoIP.ms): a clear refusal or a stored message with a well-formed email, never a crash")
    func mutatedForms() async throws {
        let seeds = Self.seeds(default: 5_000, share: 4, offset: 0x00F0_0000)
        let forms = try Self.seedForms()
        #expect(Set(forms.map(\.carrier)) == [.twilio, .voipms])
        let outcomes = try await Self.run(seeds, replay: "mutatedForms") { seed in
            var mutator = FormMutator(seed: seed)
            let start = forms[Int(seed % UInt64(forms.count))]
            return (start.name, start.carrier, mutator.mutate(start.form), mutator.applied)
        }
        if seeds.count >= 1000 {
            #expect(outcomes["message", default: 0] > seeds.count / 50, "\(outcomes)")
            #expect(outcomes["refused with a field", default: 0] + outcomes["not a callback", default: 0] > 0, "\(outcomes)")
        }
    }

    /// The seeds of a run: `FUZZ_SEED` alone when it is set, else `FUZZ_CASES` (divided by
    /// `share`) or `count` of them from the base seed plus `offset`.
    static func seeds(default count: Int, share: Int, offset: UInt64) -> [UInt64] {
        let environment = ProcessInfo.processInfo.environment
        if let replay = environment["FUZZ_SEED"].flatMap({ UInt64($0.replacingOccurrences(of: "0x", with: ""), radix: 16) }) {
            return [replay]
        }
        let cases = environment["FUZZ_CASES"].flatMap(Int.init).map { max(1, $0 / share) } ?? count
        return (0..<cases).map { baseSeed &+ offset &+ UInt64($0) }
    }

    /// Runs a case for each seed, two lanes at once (one a core: the cases are independent, and
    /// each keeps its own seed), through a ``CaseChecker`` whose outbox is on tmpfs where there is
    /// one (the same store, without thousands of waits for the disk). A case with problems is
    /// recorded with its seed, for `FUZZ_SEED=<seed> swift test --filter <replay>`; a lane stops
    /// after ten. Returns how many cases came to each outcome.
    static func run(
        _ seeds: [UInt64], replay: String,
        _ makeCase: @escaping @Sendable (UInt64) -> (name: String, carrier: Carrier, body: [UInt8], mutations: [String])
    ) async throws -> [String: Int] {
        let memory = URL(fileURLWithPath: "/dev/shm")
        let parent = FileManager.default.isWritableFile(atPath: memory.path) ? memory : FileManager.default.temporaryDirectory
        let dir = parent.appendingPathComponent("smsrelay-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let checker = try CaseChecker(storePath: dir.appendingPathComponent("fuzz.sqlite").path)
        let lanes = 2
        return await withTaskGroup(of: [String: Int].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var outcomes: [String: Int] = [:]
                    var failures = 0
                    for index in stride(from: lane, to: seeds.count, by: lanes) {
                        let seed = seeds[index]
                        let (name, carrier, body, mutations) = makeCase(seed)
                        let (outcome, problems) = await checker.check(body, carrier: carrier, case: index)
                        outcomes[outcome, default: 0] += 1
                        guard !problems.isEmpty else { continue }
                        failures += 1
                        Issue.record("""
                            seed 0x\(String(seed, radix: 16)) (replay: FUZZ_SEED=\(String(seed, radix: 16)) swift test --filter \(replay)), \
                            from \(name), mutations \(mutations): \(problems.joined(separator: "; "))
                            body: \(String(decoding: body.prefix(600), as: UTF8.self))
                            """)
                        if failures >= 10 { break }
                    }
                    return outcomes
                }
            }
            var total: [String: Int] = [:]
            for await outcomes in group { total.merge(outcomes, uniquingKeysWith: +) }
            return total
        }
    }
}

/// Runs one body through the parser, the outbox, the renderer and the MIME writer.
struct CaseChecker: Sendable {
    let store: SQLiteOutboxStore
    let renderer: EmailRenderer
    let route = Route(recipients: ["me@example.com"], sender: "sms@example.com")

    init(storePath: String) throws {
        store = try SQLiteOutboxStore(path: storePath)
        renderer = try EmailRenderer()
    }

    /// The kind of outcome, and what was wrong with it.
    func check(_ body: [UInt8], carrier: Carrier = .flowroute, case index: Int) async -> (String, [String]) {
        let parsed: ParsedCallback
        do {
            parsed = try await OffPool.run { () throws(PayloadError) in try carrier.read(body, receivedAt: CallbackFuzzTests.arrival) }
        } catch {
            switch (error.code, error.field) {
            case (_, .some(let field)):
                return ("refused with a field", error.description.contains(field) ? [] : ["the refusal does not name \(field): \(error)"])
            case (.malformedJSON, nil), (.unknownShape, nil), (.wrongType, nil):
                return ("not a callback", [])
            default:
                return ("refused", ["refused without naming a field: \(error)"])
            }
        }
        var problems: [String] = []
        var sawMessage = false
        for (position, event) in parsed.events.enumerated() {
            guard case .message(var message) = event else { continue }
            sawMessage = true
            if message.media.count > 10 {
                problems.append("\(message.media.count) media items kept")
            }
            if message.receivedAt < CarrierTimestamp.earliest || message.receivedAt > CarrierTimestamp.latest {
                problems.append("a time outside 1970…9999: \(message.receivedAt)")
            }
            if message.carrier != carrier.rawValue {
                problems.append("the message is tagged \(message.carrier), not \(carrier.rawValue)")
            }
            message.id += "#\(index).\(position)"  // one row per case, whatever id the mutation left
            do {
                let id = try await store.enqueue(message, now: Date()).id
                guard let stored = try await store.entry(id: id)?.message else {
                    problems.append("the stored message cannot be read back")
                    continue
                }
                if stored != message {
                    problems.append("the stored message differs from the parsed one")
                }
                let (renderer, route) = (self.renderer, self.route)
                problems += try await OffPool.run { () throws(any Error) in
                    let email = try renderer.render(stored, route: route)
                    return EmailInvariants.problems(in: MIMEWriter.render(email), text: Neutralise.body(stored.body))
                }
            } catch {
                problems.append("cannot store or render: \(error)")
            }
        }
        return (sawMessage ? "message" : parsed.event.kind, problems)
    }
}

/// Runs CPU-bound work on a thread of its own rather than on Swift's shared task pool: the fuzz
/// cases keep both cores busy for a minute or two, and on the pool (two threads on two cores)
/// they would starve the tests that run beside them of the time their waits allow.
enum OffPool {
    static func run<T: Sendable, Failure: Error>(_ work: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Result { () throws(Failure) in try work() })
            }
        }
        return try result.get()
    }
}

extension CarrierEvent {
    var kind: String {
        switch self {
        case .message: "message"
        case .deliveryReceipt: "receipt"
        case .ignored: "ignored"
        }
    }
}
