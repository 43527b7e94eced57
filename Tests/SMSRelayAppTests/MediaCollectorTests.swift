import Foundation
import Logging
import MailRender
import Outbox
@testable import SMSRelayApp
@testable import SMSRelayLambdaApp
import SMSRelayCore
import Synchronization
import Testing
import TestSupport

/// Answers each URL with bytes of a given size, or a scripted failure; counts the requests.
/// (The real fetcher against a real server is tested in MediaFetchTests and the relay's media tests.)
final class SizedDownloader: MediaDownloading {
    let sizes: [String: Int]
    let failures: [String: MediaDownloadResult]
    let requests = Mutex<[String: Int]>([:])

    init(sizes: [String: Int], failures: [String: MediaDownloadResult] = [:]) {
        self.sizes = sizes
        self.failures = failures
    }

    func download(_ url: String, maxBytes: Int) async -> MediaDownloadResult {
        requests.withLock { $0[url, default: 0] += 1 }
        if let failure = failures[url] { return failure }
        let size = sizes[url] ?? 0
        return size > maxBytes ? .tooLarge : .downloaded(data: [UInt8](repeating: 0xFF, count: size), servedType: "image/jpeg")
    }
}

@Suite("Media collector")
struct MediaCollectorTests {
    static func message(_ urls: [String]) -> InboundMessage {
        var message = InboundMessage.sample("mms-1")
        message.media = urls.map { MediaItem(url: $0, fileName: "f.jpg", mimeType: "image/jpeg") }
        return message
    }

    func collector(_ downloader: SizedDownloader, folder: MediaFolder?, maxBytes: Int = 1000, maxTotal: Int = 1500, attempts: Int = 3) -> MediaCollector {
        MediaCollector(
            settings: MediaSettings(maxBytes: maxBytes, maxTotalBytes: maxTotal, attempts: attempts),
            downloader: downloader, folder: folder, policy: RetryPolicy(baseDelay: .seconds(10), jitter: 0))
    }

    @Test("items past the per-item or the per-email limit stay links, with the limit named, in the message's order")
    func limits() async throws {
        try await withTemporaryDirectory { dir in
            let downloader = SizedDownloader(sizes: ["a": 400, "b": 2000, "c": 700, "d": 500])
            let media = collector(downloader, folder: try MediaFolder(dataDirectory: dir))
            let message = Self.message(["a", "b", "c", "d"])
            let progress = await media.advance(message, progress: media.initialProgress(for: message), now: Date.init, logger: Logger(label: "t"))
            #expect(progress.map(\.state) == [.fetched, .failed, .fetched, .failed])
            #expect(progress[1].error == "larger than the 1000 bytes limit for one item")
            #expect(progress[3].error == "the email's media would pass the 1.5 KB limit for all items")
            let outcomes = media.outcomes(for: message, progress: progress)
            #expect(outcomes.map { if case .fetched(let data, _) = $0 { data.count } else { -1 } } == [400, -1, 700, -1])
        }
    }

    @Test("a retryable failure is tried again after the back-off, then given up after the attempts, without holding back the rest")
    func retries() async throws {
        try await withTemporaryDirectory { dir in
            let downloader = SizedDownloader(sizes: ["ok": 10], failures: ["flaky": .failed(reason: "HTTP 503", retryable: true)])
            let media = collector(downloader, folder: try MediaFolder(dataDirectory: dir), attempts: 2)
            let message = Self.message(["flaky", "ok"])
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            var progress = await media.advance(message, progress: media.initialProgress(for: message), now: { start }, logger: Logger(label: "t"))
            #expect(progress[0].state == .pending)
            #expect(progress[0].retryAt == start.addingTimeInterval(10))
            #expect(progress[1].state == .fetched)
            #expect(MediaCollector.nextDue(progress, now: start) == start.addingTimeInterval(10))
            // Not due yet: nothing is requested.
            progress = await media.advance(message, progress: progress, now: { start.addingTimeInterval(5) }, logger: Logger(label: "t"))
            #expect(downloader.requests.withLock { $0["flaky"] } == 1)
            progress = await media.advance(message, progress: progress, now: { start.addingTimeInterval(10) }, logger: Logger(label: "t"))
            #expect(progress[0].state == .failed)
            #expect(progress[0].error == "not downloaded after 2 attempts: HTTP 503")
            #expect(MediaCollector.nextDue(progress, now: start) == nil)
            #expect(downloader.requests.withLock { $0["ok"] } == 1, "a downloaded item is not downloaded again")
        }
    }

    @Test("a refused URL is given up at once; an item the carrier did not describe is never requested")
    func refusedAndUnreadable() async throws {
        let downloader = SizedDownloader(sizes: [:], failures: ["https://10.0.0.1/x": .failed(reason: "a private address", retryable: false)])
        let media = collector(downloader, folder: nil)
        var message = Self.message(["https://10.0.0.1/x"])
        message.media.append(.unreadable("the carrier gave no address for it"))
        // A deadline far away: this test is not about it, and a starved task pool once spent 30 s before the first attempt.
        let outcomes = await media.collect(message, until: .now + .seconds(600), logger: Logger(label: "t"))
        #expect(outcomes == [.notAttached(reason: "a private address"), .notAttached(reason: "the carrier gave no address for it")])
        #expect(downloader.requests.withLock { $0.count } == 1)
    }

    @Test("sizes read as people write them", arguments: [
        (900, "900 bytes"), (1024, "1 KB"), (1536, "1.5 KB"), (10 << 20, "10 MB"), (20 << 20, "20 MB"), (1_100_000, "1 MB"),
    ])
    func readable(bytes: Int, text: String) {
        #expect(MediaCollector.readable(bytes) == text)
    }

    @Test("the media folder stores a file once, private, named by its SHA-256, and never reads outside itself")
    func folder() async throws {
        try await withTemporaryDirectory { dir in
            let folder = try MediaFolder(dataDirectory: dir)
            let name = try folder.store(Array("abc".utf8))
            #expect(name == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(try folder.store(Array("abc".utf8)) == name)
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.url.appendingPathComponent(name).path)
            #expect(attributes[.posixPermissions] as? Int == 0o600)
            let folderMode = try FileManager.default.attributesOfItem(atPath: folder.url.path)[.posixPermissions] as? Int
            #expect(folderMode == 0o700)
            #expect(try folder.read(name) == Array("abc".utf8))
            #expect(try folder.read("../outbox.sqlite") == nil)
            folder.remove([name])
            #expect(try folder.read(name) == nil)
        }
    }
}
